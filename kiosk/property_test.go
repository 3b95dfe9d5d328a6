package kiosk_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"certkiosk/internal/testenv"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/sim"
)

// world runs the pure machine synchronously against the simulated ports, under a seeded random
// schedule: answers arrive late, out of order, twice or never; the resident and the devices do
// random things. It checks the invariants after every step.
type world struct {
	t       testing.TB
	rng     *rand.Rand
	cfg     kiosk.Config
	s       kiosk.State
	center  *sim.Center
	keys    kiosk.KeyVerifier
	cards   []*sim.Card
	names   map[[32]byte]string // login certificate → resident name
	res     []*sim.Resident
	on      *sim.Card
	queue   []kiosk.Event
	done    []kiosk.Event
	handed  map[*kiosk.PINBuffer]bool
	timerOn bool
	gen     uint64
	newPIN  string
	in, out int
	keySet  map[string]bool
	trace   []kiosk.Event // every event stepped, when tracing
	tracing bool
	stats   struct{ steps, sessions, prints, timeouts, refusals, owed int }
}

func newWorld(t testing.TB, seed uint64) *world {
	k, err := sim.NewKit(t0)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), cfg: kiosk.DefaultConfig(),
		center: k.Center, keys: k.Center.Keys(), names: map[[32]byte]string{}, handed: map[*kiosk.PINBuffer]bool{},
		keySet: map[string]bool{}}
	w.s = kiosk.NewState(w.cfg, fmt.Sprintf("seed%d", seed))
	for _, key := range kiosk.MessageKeys() {
		w.keySet[key] = true
	}
	w.cards = append(w.cards, k.Card)
	w.res = append(w.res, k.Resident)
	// A second resident with a phone token, and a card that is no MyNumber card.
	phone := sim.NewCard("demo-2", "4321", "XYZ987", t0.AddDate(0, 2, 0), k.Center.Master)
	phone.Token = kiosk.TokenAndroid
	r2 := *k.Resident
	r2.Name, r2.Address = "見本 次郎", "大阪府見本市2-3-4"
	r2.AuthCert, r2.SigCert = phone.AuthCert.SHA256, phone.SigCert.SHA256
	r2.Catalog = sim.DemoCatalog()
	k.Center.Add(&r2)
	w.cards = append(w.cards, phone, &sim.Card{NotJPKI: true})
	w.res = append(w.res, &r2)
	for i, r := range w.res {
		w.names[r.AuthCert] = r.Name
		w.names[r.SigCert] = r.Name
		_ = i
	}
	return w
}

func (w *world) personal() []string {
	return []string{sim.DemoName, sim.DemoAddress, "見本 次郎", "大阪府見本市", "試験 花子", "sim-cert:"}
}

// step feeds e to the machine, checks the invariants, and performs the effects.
func (w *world) step(e kiosk.Event) {
	w.t.Helper()
	before := w.s
	if w.tracing {
		w.trace = append(w.trace, e)
	}
	s, effs := kiosk.Step(w.s, e)
	w.s = s
	w.stats.steps++
	if d, ok := e.(kiosk.PaidOut); ok && slices.Contains(before.Payouts, d.Req) {
		w.out += min(d.Paid, d.Asked)
	}
	if m, ok := e.(kiosk.MoneyIn); ok {
		w.in += m.Yen
	}
	for _, p := range []*kiosk.PINBuffer{s.Tx.PIN, s.Tx.NewPIN, s.Tx.Again} {
		if p != nil && w.handed[p] {
			w.t.Fatalf("state still holds a PIN buffer handed to the card (event %T)", e)
		}
	}
	for _, f := range effs {
		w.perform(f)
	}
	if s.Screen == kiosk.Idle && before.Screen != kiosk.Idle {
		w.checkIdle()
	}
}

func (w *world) checkIdle() {
	w.t.Helper()
	s := w.s
	if !s.Ledger.Balanced() || len(s.Payouts) != 0 {
		w.t.Fatalf("idle with an unbalanced ledger %+v payouts %v", s.Ledger, s.Payouts)
	}
	if !s.Totals.Balanced() || s.Totals.In != w.in || s.Totals.Change+s.Totals.Refunded != w.out {
		w.t.Fatalf("totals %+v: money in %d, paid out %d", s.Totals, w.in, w.out)
	}
	if s.Tx.ID != "" || s.Tx.Session != nil || s.Tx.PIN != nil || s.Tx.Docs != nil {
		w.t.Fatalf("transaction left at idle")
	}
	if w.roll(20) == 0 { // the reflection walk is slow: sample it
		noPersonalData(w.t, "idle state", s, w.personal()...)
	}
	w.stats.sessions++
}

func (w *world) answer(e kiosk.Event) { w.queue = append(w.queue, e) }

func (w *world) cardErr(r kiosk.Req, err error) kiosk.Event {
	switch {
	case errors.Is(err, kiosk.ErrCardRemoved):
		return kiosk.Failed{Req: r, Cause: kiosk.CauseCardRemoved}
	case errors.Is(err, kiosk.ErrNotMyNumber):
		return kiosk.Failed{Req: r, Cause: kiosk.CauseNotMyNumber}
	}
	return kiosk.Failed{Req: r, Cause: kiosk.CauseCardError}
}

// centerFault decides whether the center misbehaves on this call: true when the answer is
// already queued (or will never come).
func (w *world) centerFault(r kiosk.Req) bool {
	switch n := w.roll(100); {
	case n < 3:
		w.answer(kiosk.Failed{Req: r, Cause: kiosk.CauseCenterDown})
	case n < 5:
		w.answer(kiosk.Failed{Req: r, Cause: kiosk.CauseCenterGarbage})
	case n < 7:
		// slow: no answer; the machine's timer must end it
	default:
		return false
	}
	return true
}

func (w *world) card() (*sim.Card, error) {
	if w.on == nil {
		return nil, kiosk.ErrCardRemoved
	}
	return w.on, nil
}

func (w *world) perform(f kiosk.Effect) {
	ctx := context.Background()
	switch f := f.(type) {
	case kiosk.Render:
		if w.rng == nil {
			return // benchmarks: no checks
		}
		v := f.View
		for _, k := range []string{v.Screen.Key(), v.Message, v.Outcome.Key, v.Outcome.Next} {
			if k != "" && !w.keySet[k] {
				w.t.Fatalf("view uses message key %q not in MessageKeys", k)
			}
		}
		for _, n := range v.Notices {
			if !w.keySet[n.Key] {
				w.t.Fatalf("notice key %q not in MessageKeys", n.Key)
			}
		}
	case kiosk.Cue:
		if !w.keySet[f.Key] {
			w.t.Fatalf("cue %q not in MessageKeys", f.Key)
		}
	case kiosk.Journal:
		if w.rng == nil {
			return
		}
		noPersonalData(w.t, "journal", f.Entry, w.personal()...)
	case kiosk.OutboxAppend:
		if w.rng == nil {
			return
		}
		noPersonalData(w.t, "outbox", f.Record, w.personal()...)
		if f.Record.Kind == kiosk.RecordRefundOwed {
			w.stats.owed++
		}
	case kiosk.StartTimer:
		w.timerOn, w.gen = true, f.Gen
	case kiosk.CancelTimer:
		w.timerOn = false
	case kiosk.ReadCard:
		c, err := w.card()
		if err == nil {
			var info kiosk.CardInfo
			info, err = c.Read(ctx, f.PIN)
			if err == nil {
				w.answer(kiosk.CardRead{Req: f.Req, Info: info, At: t0})
				return
			}
		}
		w.answer(w.cardErr(f.Req, err))
	case kiosk.VerifyPIN:
		w.handed[f.Buffer] = true
		c, err := w.card()
		var res kiosk.VerifyResult
		if err == nil {
			res, err = c.Verify(ctx, f.PIN, f.Buffer.Bytes())
		}
		f.Buffer.Zero()
		if err != nil {
			w.answer(w.cardErr(f.Req, err))
			return
		}
		w.answer(kiosk.PINVerified{Req: f.Req, Result: res})
	case kiosk.ReadCert:
		c, err := w.card()
		if err == nil {
			var ci kiosk.CertInfo
			if ci, err = c.ReadCert(ctx, f.Cert); err == nil {
				w.answer(kiosk.CertRead{Req: f.Req, Cert: ci, At: t0})
				return
			}
		}
		w.answer(w.cardErr(f.Req, err))
	case kiosk.SignChallenge:
		c, err := w.card()
		if err == nil {
			var sig []byte
			if sig, err = c.Sign(ctx, f.Key, f.Challenge); err == nil {
				w.answer(kiosk.ChallengeSigned{Req: f.Req, Signature: sig})
				return
			}
		}
		w.answer(w.cardErr(f.Req, err))
	case kiosk.GetResetChallenge:
		c, err := w.card()
		if err == nil {
			var ch []byte
			if ch, err = c.ResetChallenge(ctx); err == nil {
				w.answer(kiosk.ResetChallengeRead{Req: f.Req, Challenge: ch})
				return
			}
		}
		w.answer(w.cardErr(f.Req, err))
	case kiosk.ApplyReset:
		w.handed[f.NewPIN] = true
		c, err := w.card()
		ok, sw := false, ""
		if err == nil {
			ok, sw, err = c.ApplyReset(ctx, f.PIN, f.Command, f.NewPIN.Bytes())
		}
		f.NewPIN.Zero()
		if err != nil {
			w.answer(w.cardErr(f.Req, err))
			return
		}
		w.answer(kiosk.ResetApplied{Req: f.Req, OK: ok, SW: sw})
	case kiosk.GetChallenge:
		if w.centerFault(f.Req) {
			return
		}
		ch, err := w.center.Challenge(ctx, f.Purpose)
		w.centerAnswer(f.Req, err, kiosk.ChallengeIssued{Req: f.Req, Challenge: ch})
	case kiosk.Login:
		if w.centerFault(f.Req) {
			return
		}
		sess, err := w.center.Login(ctx, f.ChallengeID, f.Cert, f.Signature)
		if err != nil {
			w.stats.refusals++
		}
		w.centerAnswer(f.Req, err, kiosk.LoggedIn{Req: f.Req, Session: sess, At: t0})
	case kiosk.Issue:
		if w.centerFault(f.Req) {
			return
		}
		n := w.roll(100)
		w.center.Set(func(c *sim.Center) { c.CrossBind, c.BadSig = n < 3, n >= 3 && n < 5 })
		iss, err := w.center.Issue(ctx, f.Request)
		w.center.Set(func(c *sim.Center) { c.CrossBind, c.BadSig = false, false })
		w.centerAnswer(f.Req, err, kiosk.Issued{Req: f.Req, Issuance: iss})
	case kiosk.VerifyDocuments:
		var docs []kiosk.VerifiedDocument
		for _, env := range f.Envelopes {
			d, err := kiosk.VerifyDocument(w.keys, env, f.Binding)
			if err != nil {
				w.answer(kiosk.DocumentsRejected{Req: f.Req, Reason: err.Error()})
				return
			}
			docs = append(docs, d)
		}
		w.answer(kiosk.DocumentsVerified{Req: f.Req, Docs: docs})
	case kiosk.RegisterKoseki:
		if w.centerFault(f.Req) {
			return
		}
		cat, err := w.center.RegisterKoseki(ctx, f.SessionID)
		w.centerAnswer(f.Req, err, kiosk.KosekiRegistered{Req: f.Req, Catalog: cat})
	case kiosk.AuthorizeReset:
		if w.centerFault(f.Req) {
			return
		}
		cmd, err := w.center.AuthorizeReset(ctx, f.SessionID, f.ReservationID, f.PIN, f.CardChallenge)
		w.centerAnswer(f.Req, err, kiosk.ResetAuthorized{Req: f.Req, Command: cmd})
	case kiosk.Print:
		w.checkPrint(f)
		switch n := w.roll(100); {
		case n < 3:
			w.answer(kiosk.PrintFault{Req: f.Req, Fault: "jam"})
		case n < 5:
			w.answer(kiosk.PrintFault{Req: f.Req, Fault: "paper_out"})
		case n < 6:
			// the printer hangs: the machine's print timer must end it
		default:
			w.stats.prints++
			w.answer(kiosk.PrintDone{Req: f.Req})
		}
	case kiosk.PayOut:
		paid := f.Amount
		if w.roll(10) == 0 {
			paid = w.rng.IntN(f.Amount + 1)
		}
		w.answer(kiosk.PaidOut{Req: f.Req, Purpose: f.Purpose, Asked: f.Amount, Paid: paid})
	case kiosk.PrintSlip:
		if f.Req != (kiosk.Req{}) {
			w.answer(kiosk.SlipPrinted{Req: f.Req, OK: true})
		}
	case kiosk.Maintain:
		w.answer(kiosk.Maintained{Req: f.Req, Action: f.Action, Report: kiosk.MaintReport{
			Lines: []kiosk.MaintLine{{Label: kiosk.LabelOutboxPending, Value: "0"}}}})
	case kiosk.CheckCredential:
		ok := w.roll(2) == 0
		f.Credential.Zero()
		w.answer(kiosk.CredentialChecked{Req: f.Req, OK: ok, At: t0})
	case kiosk.Abort, kiosk.Logout, kiosk.AcceptMoney, kiosk.StopMoney, kiosk.CancelPrint:
	default:
		w.t.Fatalf("unexpected effect %T", f)
	}
}

func (w *world) centerAnswer(r kiosk.Req, err error, ok kiosk.Event) {
	if err == nil {
		w.answer(ok)
		return
	}
	var ref *kiosk.RefusalError
	if errors.As(err, &ref) {
		w.answer(kiosk.Refused{Req: r, Code: ref.Code})
		return
	}
	w.answer(kiosk.Failed{Req: r, Cause: kiosk.CauseCenterDown})
}

// checkPrint is the invariant the 2023 incidents broke: a page is printed only from a verified
// document bound to the session on screen, whose certificate is the one that logged in.
func (w *world) checkPrint(p kiosk.Print) {
	w.t.Helper()
	s := w.s
	b, ok := s.Binding()
	if !ok || !p.Doc.Verified() || !p.Doc.BoundTo(b) || p.Req.Txn != s.Txn || s.Screen != kiosk.Printing {
		w.t.Fatalf("print without a verified binding for the current session (screen %s)", s.Screen)
	}
	cb, ok := w.center.SessionBinding(b.SessionID)
	if !ok || !p.Doc.BoundTo(cb) {
		w.t.Fatal("printed document not bound to the center's session")
	}
	name := p.Doc.Content().Persons[0].Fields[0].Value
	if want := w.names[s.Tx.Login.SHA256]; name != want {
		w.t.Fatalf("printed %q's document for %q", name, want)
	}
}

func (w *world) pick(n int) int { return w.rng.IntN(n) }

// roll is w.rng.IntN, or 99 (no fault, no surprise) when the world runs without randomness.
func (w *world) roll(n int) int {
	if w.rng == nil {
		return n - 1
	}
	return w.rng.IntN(n)
}

func keysOf(s string) []kiosk.Event {
	var out []kiosk.Event
	for _, c := range s {
		out = append(out, kiosk.Key{Key: c})
	}
	return out
}

// helpful is what a resident following the screen would do next.
func (w *world) helpful() []kiosk.Event {
	s := w.s
	tap := func(b kiosk.Button, arg string) []kiosk.Event { return []kiosk.Event{kiosk.Tap{Button: b, Arg: arg}} }
	switch s.Screen {
	case kiosk.Idle:
		if w.pick(10) == 0 {
			for _, r := range w.res {
				w.center.Set(func(*sim.Center) {
					r.Reservation = &kiosk.Reservation{ID: "rsv", PIN: kiosk.PINKind(w.pick(2)), Expires: t0.Add(time.Hour)}
				})
			}
		}
		return tap(kiosk.BtnStart, "")
	case kiosk.ChooseLanguage:
		return tap(kiosk.BtnLanguage, w.cfg.Languages[w.pick(len(w.cfg.Languages))])
	case kiosk.Terms:
		return tap(kiosk.BtnAgree, "")
	case kiosk.ChooseService:
		svc := []kiosk.Service{kiosk.ServiceCertificates, kiosk.ServiceCertificates, kiosk.ServiceCertificates,
			kiosk.ServiceResetSignaturePIN, kiosk.ServiceResetUserPIN}[w.pick(5)]
		return tap(kiosk.BtnService, svc.String())
	case kiosk.PlaceCard:
		if w.on == nil {
			w.on = w.cards[[]int{0, 0, 0, 1, 1, 2}[w.pick(6)]]
			w.on.Place()
		}
		return []kiosk.Event{kiosk.CardPlaced{}}
	case kiosk.EnterPIN:
		if w.on == nil {
			return nil
		}
		pin := w.on.AuthPIN
		if s.Tx.Service == kiosk.ServiceResetUserPIN {
			pin = w.on.SigPIN
		}
		if w.pick(8) == 0 {
			pin = map[bool]string{true: "ZZZ999", false: "0000"}[s.Tx.Service == kiosk.ServiceResetUserPIN]
		}
		return append(keysOf(pin), kiosk.Key{Key: kiosk.KeyEnter})
	case kiosk.ConfirmLastTry:
		return tap(kiosk.BtnProceed, "")
	case kiosk.TakeCardBack, kiosk.ResetDone:
		if w.on != nil {
			w.on.Remove()
			w.on = nil
		}
		return []kiosk.Event{kiosk.CardRemoved{}}
	case kiosk.Menu:
		if w.pick(8) == 0 {
			return tap(kiosk.BtnKoseki, "")
		}
		return tap(kiosk.BtnIssue, "")
	case kiosk.ChooseCertificate:
		cat := s.View().Catalog
		return tap(kiosk.BtnChooseType, cat[w.pick(len(cat))].Type)
	case kiosk.ChooseOptions:
		opts := []string{document.OptHouseholdHead, document.OptHonseki, document.OptMyNumber}
		return append(tap(kiosk.BtnToggleOption, opts[w.pick(3)]), kiosk.Tap{Button: kiosk.BtnNext})
	case kiosk.ChooseMembers:
		return append(tap(kiosk.BtnToggleMember, fmt.Sprintf("m%d", 1+w.pick(3))), kiosk.Tap{Button: kiosk.BtnNext})
	case kiosk.ChooseCopies:
		ev := []kiosk.Event{}
		for range w.pick(3) {
			ev = append(ev, kiosk.Tap{Button: kiosk.BtnMore})
		}
		return append(ev, kiosk.Tap{Button: kiosk.BtnNext})
	case kiosk.Confirm, kiosk.KosekiConfirm:
		return tap(kiosk.BtnConfirm, "")
	case kiosk.Pay:
		return []kiosk.Event{kiosk.MoneyIn{Yen: []int{10, 50, 100, 500, 1000}[w.pick(5)]}}
	case kiosk.TakeCertificates:
		return tap(kiosk.BtnDone, "")
	case kiosk.Receipt:
		return tap([]kiosk.Button{kiosk.BtnReceipt, kiosk.BtnNoReceipt}[w.pick(2)], "")
	case kiosk.ResetReservation:
		return tap(kiosk.BtnNext, "")
	case kiosk.ResetNewPIN:
		w.newPIN = "NEW123"
		if s.Tx.Service == kiosk.ServiceResetUserPIN {
			w.newPIN = fmt.Sprintf("%04d", w.pick(10000))
		}
		return append(keysOf(w.newPIN), kiosk.Key{Key: kiosk.KeyEnter})
	case kiosk.ResetConfirmPIN:
		p := w.newPIN
		if w.pick(6) == 0 {
			p = "0000"
		}
		return append(keysOf(p), kiosk.Key{Key: kiosk.KeyEnter})
	case kiosk.Outcome:
		return tap(kiosk.BtnDone, "")
	case kiosk.TimeoutWarning:
		return tap(kiosk.BtnContinue, "")
	case kiosk.OutOfService:
		return w.repair()
	case kiosk.Maintenance:
		return []kiosk.Event{tap(kiosk.BtnMaint, string(kiosk.MaintExit))[0], kiosk.TechnicianKey{On: false}}
	case kiosk.TechnicianLogin:
		return tap(kiosk.BtnBack, "")
	}
	return nil
}

func (w *world) repair() []kiosk.Event {
	var out []kiosk.Event
	for _, f := range []kiosk.ServiceFlag{kiosk.FlagOutboxFull, kiosk.FlagPaperOut, kiosk.FlagPrinterFault,
		kiosk.FlagSelfTestFailed, kiosk.FlagCashboxFault, kiosk.FlagTechnician, kiosk.FlagTrayNotEmpty, kiosk.FlagStorageFault} {
		out = append(out, kiosk.ServiceChanged{Flag: f})
	}
	return out
}

// chaos is anything at all, at any time.
func (w *world) chaos() kiosk.Event {
	switch w.pick(10) {
	case 0:
		return kiosk.Tap{Button: kiosk.Button(1 + w.pick(23)), Arg: []string{"", "ja", "certificates", "inkan", "m2",
			string(kiosk.MaintStatus), string(kiosk.MaintServiceOff), string(kiosk.MaintExit)}[w.pick(8)]}
	case 1:
		return kiosk.Key{Key: rune("0123456789AZ\n\b"[w.pick(14)]), Source: kiosk.KeySource(w.pick(2))}
	case 2:
		if w.on != nil {
			w.on.Remove()
			w.on = nil
		}
		return kiosk.CardRemoved{}
	case 3:
		if w.on == nil {
			w.on = w.cards[w.pick(len(w.cards))]
			w.on.Place()
		}
		return kiosk.CardPlaced{}
	case 4:
		return kiosk.MoneyIn{Yen: []int{10, 100, 500}[w.pick(3)]}
	case 5:
		return kiosk.TechnicianKey{On: w.pick(2) == 0}
	case 6:
		return kiosk.ServiceChanged{Flag: kiosk.ServiceFlag(1 << w.pick(7)), On: w.pick(3) == 0}
	case 7:
		return kiosk.Tap{Button: kiosk.BtnCancel}
	case 8:
		return kiosk.TrayChanged{Occupied: w.pick(2) == 0}
	}
	return kiosk.TimerFired{Gen: w.gen - uint64(w.pick(3))} // current or stale
}

func (w *world) deliver() {
	i := 0
	if len(w.queue) > 1 && w.pick(4) == 0 {
		i = w.pick(len(w.queue))
	}
	e := w.queue[i]
	w.queue = slices.Delete(w.queue, i, i+1)
	w.done = append(w.done, e)
	w.step(e)
}

// run plays n scheduled events, then lets the machine come to rest with only timers and the
// answers still due: it must reach Idle with every yen accounted for.
func (w *world) run(n int) {
	w.t.Helper()
	for range n {
		switch r := w.pick(100); {
		case r < 40 && len(w.queue) > 0:
			w.deliver()
		case r < 80:
			for _, e := range w.helpful() {
				w.step(e)
			}
		case r < 88:
			w.step(w.chaos())
		case r < 95:
			if w.timerOn {
				w.stats.timeouts++
				w.step(kiosk.TimerFired{Gen: w.gen})
			}
		default:
			if len(w.done) > 0 { // a duplicate or late answer
				w.step(w.done[w.pick(len(w.done))])
			}
		}
	}
	w.rest()
}

// rest: the technician turns the key off and clears faults; nobody touches the kiosk; answers
// still due arrive; timers run out. The machine must be Idle after that.
func (w *world) rest() {
	w.t.Helper()
	w.step(kiosk.TechnicianKey{On: false})
	w.step(kiosk.TrayChanged{Occupied: false}) // the certificates are taken
	for _, e := range w.repair() {
		w.step(e)
	}
	for i := 0; i < 100; i++ {
		if len(w.queue) > 0 {
			w.deliver()
			continue
		}
		if w.s.Screen == kiosk.Idle {
			break
		}
		if w.s.Screen == kiosk.OutOfService { // a fault raised while coming to rest
			for _, e := range w.repair() {
				w.step(e)
			}
			continue
		}
		if !w.timerOn {
			w.t.Fatalf("stuck on %s with no timer and nothing due", w.s.Screen)
		}
		w.step(kiosk.TimerFired{Gen: w.gen})
	}
	if w.s.Screen != kiosk.Idle {
		w.t.Fatalf("did not return to idle: %s", w.s.Screen)
	}
	w.checkIdle()
}

func TestPropertyRandomSessions(t *testing.T) {
	seqs, events := 2000, 300
	if testing.Short() {
		seqs = 200
	}
	if testenv.Long() {
		seqs = 50000
	}
	var total struct{ steps, sessions, prints, timeouts, refusals, owed int }
	for seed := range uint64(seqs) {
		w := newWorld(t, seed)
		w.run(events)
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
		total.steps += w.stats.steps
		total.sessions += w.stats.sessions
		total.prints += w.stats.prints
		total.timeouts += w.stats.timeouts
		total.owed += w.stats.owed
	}
	t.Logf("%d sequences: %d steps, %d returns to idle, %d copies printed, %d timer firings, %d owed refunds",
		seqs, total.steps, total.sessions, total.prints, total.timeouts, total.owed)
	if total.prints == 0 || total.owed == 0 {
		t.Fatal("the random schedule never printed or never owed: it does not reach the flows it should test")
	}
}
