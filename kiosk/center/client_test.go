package center_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/document"
)

func fieldsOf(p document.Person) map[string]string {
	m := map[string]string{}
	for _, f := range p.Fields {
		m[f.Code] = f.Value
	}
	return m
}

func TestIssueJuminhyoOverMutualTLS(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	cd := loadCard(t, c, "r101")
	s, ch := k.mustLogin(cd, center.PurposeIssue)
	if s.CertKind != center.CertAuth || s.Municipality.Code != server.MuniMidorino {
		t.Fatalf("session %+v", s)
	}
	it, ok := item(s, document.TypeJuminhyo)
	if !ok || !it.Available || it.Fee != 200 || !slices.Contains(it.Options, document.OptMyNumber) ||
		!slices.Contains(it.Options, document.OptHonseki) || slices.Contains(it.Options, document.OptNationality) {
		t.Fatalf("juminhyo catalog item %+v", it)
	}
	if len(s.Members) != 3 || !s.Members[0].Self {
		t.Fatalf("members %+v: want the resident first and the household of three", s.Members)
	}
	var spouse string
	for _, m := range s.Members {
		if m.Relationship == "妻" {
			spouse = m.MemberID
		}
	}
	ctx := context.Background()
	iss, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo,
		Options: []string{document.OptHouseholdHead, document.OptMyNumber}, Members: []string{s.Members[0].MemberID, spouse}, Copies: 2})
	if err != nil {
		t.Fatal(err)
	}
	if iss.TotalFee != 400 || iss.FeePerCopy != 200 || len(iss.Envelopes) != 2 {
		t.Fatalf("issuance: fee %d/%d, %d envelopes", iss.FeePerCopy, iss.TotalFee, len(iss.Envelopes))
	}
	certSum := sha256.Sum256(cd.p.AuthCert)
	for i, env := range iss.Envelopes {
		content, err := env.Open(k.cr.DocumentKeys)
		if err != nil {
			t.Fatal(err)
		}
		if err := content.CheckBinding(s.SessionID, ch.Nonce, certSum[:]); err != nil {
			t.Fatal(err)
		}
		if content.CopyIndex != i+1 || content.Copies != 2 || content.IssuanceID != iss.IssuanceID || content.AsOf.IsZero() {
			t.Fatalf("copy %d: %+v", i, content)
		}
		if len(content.Persons) != 2 {
			t.Fatalf("%d persons, want 2", len(content.Persons))
		}
		p0 := fieldsOf(content.Persons[0])
		if p0[document.FieldName] != "山田　太郎" || len(p0[document.FieldMyNumber]) != 12 || p0[document.FieldRelationship] != "世帯主" {
			t.Fatalf("person 0: %v", p0)
		}
		if _, ok := p0[document.FieldHonseki]; ok {
			t.Fatal("本籍 printed without the option")
		}
	}
	if st, _ := c.IssuanceState(iss.IssuanceID); st != server.IssuanceIssued {
		t.Fatalf("state %q", st)
	}
	key := center.NewKey()
	rec := center.CompletionRecord{IssuanceID: iss.IssuanceID, Printed: 2, Paid: 400}
	if err := k.cl.Complete(ctx, key, rec); err != nil {
		t.Fatal(err)
	}
	if err := k.cl.Complete(ctx, key, rec); err != nil {
		t.Fatalf("repeat: %v", err)
	}
	// The same record delivered later through the outbox is a duplicate, not a second completion.
	if err := k.cl.DeliverRecord(ctx, center.RecordCompletion, key, time.Now(), rec); err != nil {
		t.Fatalf("outbox delivery of the same record: %v", err)
	}
	if st, _ := c.IssuanceState(iss.IssuanceID); st != server.IssuanceCompleted {
		t.Fatalf("state %q, want completed", st)
	}
	err = k.cl.Complete(ctx, center.NewKey(), rec)
	wantRefusal(t, err, center.CodeInvalidState)
}

func TestOptionsLeaveFieldsOut(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	cd := loadCard(t, c, "r104") // foreign resident
	s, _ := k.mustLogin(cd, center.PurposeIssue)
	it, _ := item(s, document.TypeJuminhyo)
	if slices.Contains(it.Options, document.OptHonseki) || !slices.Contains(it.Options, document.OptResidenceCard) {
		t.Fatalf("foreign resident's options %v", it.Options)
	}
	iss, err := k.cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID,
		Type: document.TypeJuminhyo, Options: []string{document.OptNationality}, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	content, err := iss.Envelopes[0].Open(k.cr.DocumentKeys)
	if err != nil {
		t.Fatal(err)
	}
	f := fieldsOf(content.Persons[0])
	if f[document.FieldNationality] != "ベトナム" {
		t.Fatalf("nationality missing: %v", f)
	}
	for _, absent := range []string{document.FieldMyNumber, document.FieldResidenceCard, document.FieldResidenceStatus, document.FieldRelationship} {
		if _, ok := f[absent]; ok {
			t.Errorf("field %s printed without its option", absent)
		}
	}
	_, err = k.cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID,
		Type: document.TypeJuminhyo, Options: []string{document.OptHonseki}, Copies: 1})
	wantRefusal(t, err, center.CodeOptionNotOffered)
}

func TestRefusalsAtLogin(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	cases, err := c.Residents()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range cases {
		switch r.Case {
		case "ok", "renewal_soon", center.CodeKosekiRegistrationRequired, center.CodeKosekiNotRegisteredHere:
			continue
		}
		n++
		t.Run(r.Case, func(t *testing.T) {
			_, _, err := k.login(loadCard(t, c, r.ID), center.PurposeIssue, false)
			wantRefusal(t, err, r.Case)
			var re *center.RefusalError
			if !errors.As(err, &re) || !re.Permanent() || re.Status < 400 || re.Status >= 500 {
				t.Fatalf("refusal %+v: want a permanent 4xx", re)
			}
		})
	}
	if n < 12 {
		t.Fatalf("only %d refusal residents", n)
	}
}

func TestMunicipalitiesDiffer(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	s, _ := k.mustLogin(loadCard(t, c, "r201"), center.PurposeIssue)
	if s.Municipality.Code != server.MuniAoba {
		t.Fatal(s.Municipality)
	}
	it, _ := item(s, document.TypeJuminhyo)
	if it.Fee != 300 || slices.Contains(it.Options, document.OptMyNumber) {
		t.Fatalf("あおば町 juminhyo %+v: want fee 300, no 個人番号", it)
	}
	if _, ok := item(s, document.TypeJuminhyoKisai); ok {
		t.Fatal("あおば町 offers 記載事項証明書")
	}
	_, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo,
		Options: []string{document.OptMyNumber}, Copies: 1})
	wantRefusal(t, err, center.CodeOptionNotOffered)
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyoKisai, Copies: 1})
	wantRefusal(t, err, center.CodeTypeNotOffered)
	kz, _ := item(s, document.TypeKosekiZenbu)
	if !kz.Available || kz.Fee != 450 || !kz.Hours.WeekdaysOnly {
		t.Fatalf("koseki on a weekday: %+v", kz)
	}
	iss, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiZenbu, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	content, err := iss.Envelopes[0].Open(k.cr.DocumentKeys)
	if err != nil || len(content.Persons) != 2 || iss.Envelopes[0].KeyID != server.MuniAoba+"-k1" {
		t.Fatalf("koseki: %v, %d persons, key %s", err, len(content.Persons), iss.Envelopes[0].KeyID)
	}
	// Saturday: 戸籍 closed in あおば町, the rest open.
	c.Clock.Set(time.Date(2026, 11, 28, 10, 0, 0, 0, server.JST))
	s, _ = k.mustLogin(loadCard(t, c, "r201"), center.PurposeIssue)
	kz, _ = item(s, document.TypeKosekiZenbu)
	if kz.Available || kz.Refusal != center.CodeOutsideHours {
		t.Fatalf("koseki on Saturday: %+v", kz)
	}
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiZenbu, Copies: 1})
	wantRefusal(t, err, center.CodeOutsideHours)
	// みどり野市 issues 戸籍 on Saturdays.
	s, _ = k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	if kz, _ := item(s, document.TypeKosekiZenbu); !kz.Available || kz.Fee != 350 {
		t.Fatalf("みどり野市 koseki on Saturday: %+v", kz)
	}
}

func TestKosekiRoutes(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	s, _ := k.mustLogin(loadCard(t, c, "r106"), center.PurposeIssue)
	kz, _ := item(s, document.TypeKosekiZenbu)
	if kz.Available || kz.Refusal != center.CodeKosekiRegistrationRequired {
		t.Fatalf("before registration: %+v", kz)
	}
	_, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiZenbu, Copies: 1})
	wantRefusal(t, err, center.CodeKosekiRegistrationRequired)
	reg, err := k.cl.RegisterKoseki(ctx, center.NewKey(), s.SessionID)
	if err != nil || !reg.Registered {
		t.Fatalf("register: %+v, %v", reg, err)
	}
	iss, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiKojin, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	if iss.FeePerCopy != 450 || iss.Envelopes[0].KeyID != server.MuniAoba+"-k1" {
		t.Fatalf("koseki from the 本籍地: fee %d key %s", iss.FeePerCopy, iss.Envelopes[0].KeyID)
	}
	s, _ = k.mustLogin(loadCard(t, c, "r107"), center.PurposeIssue)
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiZenbu, Copies: 1})
	wantRefusal(t, err, center.CodeKosekiNotRegisteredHere)
	_, err = k.cl.RegisterKoseki(ctx, center.NewKey(), s.SessionID)
	wantRefusal(t, err, center.CodeKosekiNotRegisteredHere)
	s, _ = k.mustLogin(loadCard(t, c, "r104"), center.PurposeIssue)
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeKosekiZenbu, Copies: 1})
	wantRefusal(t, err, center.CodeNoFamilyRegister)
}

func TestSealTaxAndMembers(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	s, _ := k.mustLogin(loadCard(t, c, "r102"), center.PurposeIssue)
	issue := func(s center.Session, typ string, members ...string) (center.Issuance, error) {
		return k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: typ, Members: members, Copies: 1})
	}
	_, err := issue(s, document.TypeInkan)
	wantRefusal(t, err, center.CodeNoSealRegistration)
	if _, err := issue(s, document.TypeKazei); err != nil {
		t.Fatalf("tax certificate: %v", err)
	}
	_, err = issue(s, document.TypeJuminhyo, "m9")
	wantRefusal(t, err, center.CodeNotHouseholdMember)
	_, err = issue(s, document.TypeKazei, s.Members[1].MemberID)
	wantRefusal(t, err, center.CodeNotHouseholdMember)
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 11})
	wantRefusal(t, err, center.CodeTooManyCopies)
	s, _ = k.mustLogin(loadCard(t, c, "r105"), center.PurposeIssue)
	_, err = issue(s, document.TypeShotoku)
	wantRefusal(t, err, center.CodeNoTaxRecord)
	s, _ = k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	iss, err := issue(s, document.TypeInkan)
	if err != nil {
		t.Fatal(err)
	}
	content, err := iss.Envelopes[0].Open(k.cr.DocumentKeys)
	if err != nil {
		t.Fatal(err)
	}
	if f := fieldsOf(content.Persons[0]); f[document.FieldSealRegNo] != "M-000101" || f[document.FieldSealImage] == "" {
		t.Fatalf("seal certificate fields %v", f)
	}
}

func TestServiceTime(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	cd := loadCard(t, c, "r101")
	for _, tc := range []struct {
		at   time.Time
		code string
	}{
		{time.Date(2026, 11, 25, 23, 0, 0, 0, server.JST), center.CodeOutsideHours},
		{time.Date(2026, 11, 25, 6, 29, 0, 0, server.JST), center.CodeOutsideHours},
		{time.Date(2026, 12, 29, 10, 0, 0, 0, server.JST), center.CodeClosedDay},
		{time.Date(2027, 1, 3, 22, 0, 0, 0, server.JST), center.CodeClosedDay},
		{time.Date(2026, 11, 25, 6, 30, 0, 0, server.JST), ""},
		{time.Date(2027, 1, 4, 22, 59, 0, 0, server.JST), ""},
	} {
		c.Clock.Set(tc.at)
		_, _, err := k.login(cd, center.PurposeIssue, false)
		if tc.code == "" && err != nil {
			t.Fatalf("%v: %v", tc.at, err)
		}
		if tc.code != "" {
			wantRefusal(t, err, tc.code)
		}
	}
	c.Clock.Set(centertest.DefaultTime)
	s, _ := k.mustLogin(cd, center.PurposeIssue)
	if err := c.SetMaintenance(server.MuniMidorino, true); err != nil {
		t.Fatal(err)
	}
	_, _, err := k.login(cd, center.PurposeIssue, false)
	wantRefusal(t, err, center.CodeMaintenance)
	// A session opened before maintenance is refused at issuance too.
	_, err = k.cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeMaintenance)
	if err := c.SetMaintenance(server.MuniMidorino, false); err != nil {
		t.Fatal(err)
	}
	if err := c.SetMaintenance("", true); err != nil {
		t.Fatal(err)
	}
	_, _, err = k.login(loadCard(t, c, "r201"), center.PurposeIssue, false)
	wantRefusal(t, err, center.CodeMaintenance)
}

func TestWorldChangesWhileSessionOpen(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	s, _ := k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	if err := c.Revoke("r101", center.CertAuth); err != nil {
		t.Fatal(err)
	}
	_, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeRevoked)
	if err := c.Restore("r101"); err != nil {
		t.Fatal(err)
	}
	if err := c.Move("r101", server.ResidentMovedOut, false); err != nil {
		t.Fatal(err)
	}
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeMovedOut)
	_, _, err = k.login(loadCard(t, c, "r101"), center.PurposeIssue, false)
	wantRefusal(t, err, center.CodeMovedOut)
	if err := c.Move("r101", "", true); err != nil {
		t.Fatal(err)
	}
	_, _, err = k.login(loadCard(t, c, "r101"), center.PurposeIssue, false)
	wantRefusal(t, err, center.CodeMoveInDay)
	c.Clock.Advance(24 * time.Hour)
	if _, _, err := k.login(loadCard(t, c, "r101"), center.PurposeIssue, false); err != nil {
		t.Fatalf("the day after moving in: %v", err)
	}
}

func TestNotices(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	s, _ := k.mustLogin(loadCard(t, c, "r108"), center.PurposeIssue)
	codes := map[string]time.Time{}
	for _, n := range s.Notices {
		codes[n.Code] = n.At
	}
	if _, ok := codes[center.NoticeRenewalOpen]; !ok || codes[center.NoticeCertExpires].Before(centertest.DefaultTime) {
		t.Fatalf("renewal-soon notices %v", s.Notices)
	}
	s, _ = k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	codes = map[string]time.Time{}
	for _, n := range s.Notices {
		codes[n.Code] = n.At
	}
	if from, ok := codes[center.NoticeRenewalFrom]; !ok || !from.Equal(codes[center.NoticeCertExpires].AddDate(0, -3, 0)) {
		t.Fatalf("notices %v", s.Notices)
	}
}

func TestIdempotency(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	cd := loadCard(t, c, "r101")
	ch, err := k.cl.Challenge(ctx, center.NewKey(), center.PurposeIssue)
	if err != nil {
		t.Fatal(err)
	}
	req := center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert, Signature: sign(t, cd.authKey, ch.Nonce, k.cr.KioskID)}
	lk := center.NewKey()
	s1, err := k.cl.Login(ctx, lk, req)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := k.cl.Login(ctx, lk, req)
	if err != nil || s2.SessionID != s1.SessionID {
		t.Fatalf("repeated login: %v, session %s vs %s", err, s2.SessionID, s1.SessionID)
	}
	// The challenge is spent: a new key cannot log in with it again.
	_, err = k.cl.Login(ctx, center.NewKey(), req)
	wantRefusal(t, err, center.CodeChallengeExpired)

	// Duplicates within a millisecond get identical answers, and one issuance.
	key := center.NewKey()
	ir := center.IssueRequest{SessionID: s1.SessionID, Type: document.TypeJuminhyo, Copies: 1}
	const n = 8
	answers := make([]center.Issuance, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			answers[i], errs[i] = k.cl.Issue(ctx, key, ir)
		}(i)
	}
	wg.Wait()
	for i := range answers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		a, _ := json.Marshal(answers[i])
		b, _ := json.Marshal(answers[0])
		if !bytes.Equal(a, b) {
			t.Fatalf("duplicate %d got another answer", i)
		}
	}
	ir.Copies = 2
	_, err = k.cl.Issue(ctx, key, ir)
	wantRefusal(t, err, center.CodeIdempotencyConflict)
	// Another kiosk using the same key is another request.
	k2 := newKiosk(t, c, "kiosk-b")
	_, err = k2.cl.Issue(ctx, key, ir)
	wantRefusal(t, err, center.CodeSessionExpired)
}

func TestChallengeAndSessionLifetimes(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	k2 := newKiosk(t, c, "kiosk-b")
	ctx := context.Background()
	cd := loadCard(t, c, "r101")
	ch, err := k.cl.Challenge(ctx, center.NewKey(), center.PurposeIssue)
	if err != nil {
		t.Fatal(err)
	}
	// Another kiosk cannot use kiosk-a's challenge, even with a signature over its own id.
	_, err = k2.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert,
		Signature: sign(t, cd.authKey, ch.Nonce, k2.cr.KioskID)})
	wantRefusal(t, err, center.CodeChallengeExpired)
	// A signature made for another kiosk does not log in here.
	_, err = k.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert,
		Signature: sign(t, cd.authKey, ch.Nonce, k2.cr.KioskID)})
	wantRefusal(t, err, center.CodeBadSignature)
	// A signature by another card.
	other := loadCard(t, c, "r102")
	_, err = k.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert,
		Signature: sign(t, other.authKey, ch.Nonce, k.cr.KioskID)})
	wantRefusal(t, err, center.CodeBadSignature)
	// Failed attempts left the challenge usable until it expires.
	c.Clock.Advance(3 * time.Minute)
	_, err = k.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert,
		Signature: sign(t, cd.authKey, ch.Nonce, k.cr.KioskID)})
	wantRefusal(t, err, center.CodeChallengeExpired)

	s, _ := k.mustLogin(cd, center.PurposeIssue)
	_, err = k2.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeSessionExpired)
	c.Clock.Advance(11 * time.Minute)
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeSessionExpired)
	s, _ = k.mustLogin(cd, center.PurposeIssue)
	if err := k.cl.Logout(ctx, center.NewKey(), s.SessionID); err != nil {
		t.Fatal(err)
	}
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeSessionExpired)
}

func TestRecords(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	s, _ := k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	iss, err := k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.cl.DeliverRecord(ctx, center.RecordVoid, center.NewKey(), time.Now(),
		center.VoidRecord{IssuanceID: iss.IssuanceID, Reason: "printer_jam"}); err != nil {
		t.Fatal(err)
	}
	err = k.cl.Complete(ctx, center.NewKey(), center.CompletionRecord{IssuanceID: iss.IssuanceID, Printed: 1, Paid: 200})
	wantRefusal(t, err, center.CodeInvalidState)
	err = k.cl.Refund(ctx, center.NewKey(), center.RefundRecord{IssuanceID: iss.IssuanceID, Amount: 1000})
	wantRefusal(t, err, center.CodeBadRequest)
	if err := k.cl.Refund(ctx, center.NewKey(), center.RefundRecord{IssuanceID: iss.IssuanceID, Amount: 200}); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.IssuanceState(iss.IssuanceID); st != server.IssuanceRefunded {
		t.Fatalf("state %q", st)
	}
	// Another kiosk cannot touch this issuance.
	k2 := newKiosk(t, c, "kiosk-b")
	err = k2.cl.Void(ctx, center.NewKey(), center.VoidRecord{IssuanceID: iss.IssuanceID, Reason: "x"})
	wantRefusal(t, err, center.CodeIssuanceNotFound)
	err = k.cl.DeliverRecord(ctx, "gossip", center.NewKey(), time.Now(), map[string]int{"a": 1})
	wantRefusal(t, err, center.CodeBadRequest)
	var re *center.RefusalError
	if !errors.As(err, &re) || !re.Permanent() {
		t.Fatalf("unknown kind: %v, want permanent", err)
	}
	err = k.cl.DeliverRecord(ctx, center.RecordTelemetry, center.NewKey(), time.Now(), []int{1})
	wantRefusal(t, err, center.CodeBadRequest)
	n0, _ := c.RecordCount()
	tk := center.NewKey()
	for i := 0; i < 2; i++ {
		if err := k.cl.DeliverRecord(ctx, center.RecordTelemetry, tk, time.Now(), map[string]any{"paper": "low"}); err != nil {
			t.Fatal(err)
		}
	}
	if n1, _ := c.RecordCount(); n1 != n0+1 {
		t.Fatalf("records %d → %d, want one more", n0, n1)
	}
	err = k.cl.DeliverRecord(ctx, center.RecordTelemetry, tk, time.Now(), map[string]any{"paper": "out"})
	wantRefusal(t, err, center.CodeIdempotencyConflict)
}

// TestChallengeRace: logins racing with one challenge under different keys open one session.
func TestChallengeRace(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	cd := loadCard(t, c, "r101")
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		ch, err := k.cl.Challenge(ctx, center.NewKey(), center.PurposeIssue)
		if err != nil {
			t.Fatal(err)
		}
		req := center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert, Signature: sign(t, cd.authKey, ch.Nonce, k.cr.KioskID)}
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = k.cl.Login(ctx, center.NewKey(), req)
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case center.IsRefusal(err, center.CodeChallengeExpired):
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d sessions from one challenge, want 1", round, ok)
		}
	}
}
