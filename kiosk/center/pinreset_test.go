package center_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/jpki/pinreset"
)

func cardChallenge(t *testing.T) []byte {
	b := make([]byte, pinreset.ChallengeLen)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignaturePINReset(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	cd := loadCard(t, c, "r101")
	rv, err := c.Reserve("r101", center.CertSignature)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := k.login(cd, center.PurposePINReset, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.CertKind != center.CertAuth || s.Reservation == nil || s.Reservation.ReservationID != rv.ReservationID {
		t.Fatalf("pin-reset session %+v", s)
	}
	if len(s.Catalog) != 0 {
		t.Fatal("a PIN-reset session offers certificates")
	}
	_, err = k.cl.Issue(ctx, center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	wantRefusal(t, err, center.CodeWrongPurpose)
	// The 4-digit login cannot reset the 4-digit PIN.
	_, err = k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertAuth, CardChallenge: cardChallenge(t)})
	wantRefusal(t, err, center.CodeResetNotAllowed)

	chal := cardChallenge(t)
	cmd, err := k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertSignature, CardChallenge: chal})
	if err != nil {
		t.Fatal(err)
	}
	authSum := sha256.Sum256(cd.p.AuthCert)
	// What the card checks: its own key (from the profile), its own challenge, the PIN reference.
	if cmd.Ref != pinreset.RefSignaturePIN || !pinreset.Check(cd.p.ResetKey, chal, pinreset.RefSignaturePIN, authSum[:], cmd.MAC) {
		t.Fatal("reset MAC does not verify with the card's reset key")
	}
	if pinreset.Check(cd.p.ResetKey, cardChallenge(t), pinreset.RefSignaturePIN, authSum[:], cmd.MAC) {
		t.Fatal("MAC verifies for another challenge")
	}
	other := loadCard(t, c, "r102")
	if pinreset.Check(other.p.ResetKey, chal, pinreset.RefSignaturePIN, authSum[:], cmd.MAC) {
		t.Fatal("MAC verifies on another card")
	}
	rk := center.NewKey()
	res := center.PINResetResult{ResetID: cmd.ResetID, OK: true}
	if err := k.cl.ReportPINReset(ctx, rk, res); err != nil {
		t.Fatal(err)
	}
	if err := k.cl.ReportPINReset(ctx, rk, res); err != nil {
		t.Fatalf("repeated result: %v", err)
	}
	err = k.cl.ReportPINReset(ctx, center.NewKey(), center.PINResetResult{ResetID: cmd.ResetID, OK: false, SW: "6982"})
	wantRefusal(t, err, center.CodeInvalidState)
	// The reservation is used up.
	_, err = k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertSignature, CardChallenge: cardChallenge(t)})
	wantRefusal(t, err, center.CodeReservationNotFound)
}

func TestAuthPINResetMirror(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	cd := loadCard(t, c, "r201")
	// Issuance needs the user-auth certificate.
	_, _, err := k.login(cd, center.PurposeIssue, true)
	wantRefusal(t, err, center.CodeWrongPurpose)
	if _, err := c.Reserve("r201", center.CertAuth); err != nil {
		t.Fatal(err)
	}
	s, _, err := k.login(cd, center.PurposePINReset, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.CertKind != center.CertSignature {
		t.Fatalf("session opened with %q, want signature", s.CertKind)
	}
	_, err = k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertSignature, CardChallenge: cardChallenge(t)})
	wantRefusal(t, err, center.CodeResetNotAllowed)
	chal := cardChallenge(t)
	cmd, err := k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertAuth, CardChallenge: chal})
	if err != nil {
		t.Fatal(err)
	}
	authSum := sha256.Sum256(cd.p.AuthCert)
	if cmd.Ref != pinreset.RefAuthPIN || !pinreset.Check(cd.p.ResetKey, chal, pinreset.RefAuthPIN, authSum[:], cmd.MAC) {
		t.Fatal("mirror reset MAC does not verify")
	}
	// A failed reset leaves the reservation open.
	if err := k.cl.ReportPINReset(ctx, center.NewKey(), center.PINResetResult{ResetID: cmd.ResetID, SW: "6982"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertAuth, CardChallenge: chal}); err != nil {
		t.Fatalf("after a failed reset: %v", err)
	}
}

func TestPINResetRefusals(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	ctx := context.Background()
	authorize := func(s center.Session, rid string) error {
		_, err := k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, ReservationID: rid,
			PIN: center.CertSignature, CardChallenge: cardChallenge(t)})
		return err
	}
	cd := loadCard(t, c, "r102")
	s, _, err := k.login(cd, center.PurposePINReset, false)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, authorize(s, ""), center.CodeReservationNotFound)
	rv, err := c.Reserve("r101", center.CertSignature)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, authorize(s, rv.ReservationID), center.CodeReservationNotFound) // someone else's reservation
	_, err = k.cl.AuthorizePINReset(ctx, center.NewKey(), center.PINResetRequest{SessionID: s.SessionID, PIN: center.CertSignature, CardChallenge: []byte{1, 2}})
	wantRefusal(t, err, center.CodeBadRequest)
	if _, err := c.Reserve("r102", center.CertSignature); err != nil {
		t.Fatal(err)
	}
	c.Clock.Advance(25 * time.Hour)
	s, _, err = k.login(cd, center.PurposePINReset, false)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, authorize(s, ""), center.CodeReservationExpired)

	// Under 15: no signature certificate.
	if _, err := c.Reserve("r103", center.CertSignature); err != nil {
		t.Fatal(err)
	}
	s, _, err = k.login(loadCard(t, c, "r103"), center.PurposePINReset, false)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, authorize(s, ""), center.CodeNoSignatureCert)
	// Signature certificate revoked (address changed): no reset.
	if err := c.Revoke("r104", center.CertSignature); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reserve("r104", center.CertSignature); err != nil {
		t.Fatal(err)
	}
	s, _, err = k.login(loadCard(t, c, "r104"), center.PurposePINReset, false)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, authorize(s, ""), center.CodeResetNotAllowed)
}
