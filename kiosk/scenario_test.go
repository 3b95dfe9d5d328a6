package kiosk_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/sim"
)

func TestScenarioHappyIssuance(t *testing.T) {
	h := newHarness(t, nil)
	menu := h.login()
	b, ok := menu.Binding()
	if !ok {
		t.Fatal("no binding after login")
	}
	h.tap(kiosk.BtnIssue)
	h.wait(kiosk.ChooseCertificate)
	h.tap(kiosk.BtnChooseType, document.TypeJuminhyo)
	h.wait(kiosk.ChooseOptions)
	h.tap(kiosk.BtnToggleOption, document.OptHouseholdHead)
	h.tap(kiosk.BtnToggleOption, document.OptMyNumber) // not allowed here: ignored
	h.tap(kiosk.BtnNext)
	h.wait(kiosk.ChooseMembers)
	h.tap(kiosk.BtnToggleMember, "m2")
	h.tap(kiosk.BtnNext)
	h.wait(kiosk.ChooseCopies)
	h.tap(kiosk.BtnMore)
	h.tap(kiosk.BtnNext)
	conf := h.wait(kiosk.Confirm)
	if v := conf.View(); v.Fee != 400 || v.Copies != 2 || !slices.Equal(v.Options, []string{document.OptHouseholdHead}) ||
		!slices.Equal(v.Chosen, []string{"m1", "m2"}) {
		t.Fatalf("confirm view: fee %d copies %d options %v members %v", v.Fee, v.Copies, v.Options, v.Chosen)
	}
	h.tap(kiosk.BtnConfirm)
	pay := h.wait(kiosk.Pay)
	if pay.Ledger.Due != 400 {
		t.Fatalf("due %d, want 400", pay.Ledger.Due)
	}
	if len(h.k.Printer.Docs()) != 0 {
		t.Fatal("printed before payment")
	}
	h.send(h.k.Cashbox.Insert(100), h.k.Cashbox.Insert(500))
	h.wait(kiosk.TakeCertificates)
	docs := h.k.Printer.Docs()
	if len(docs) != 2 {
		t.Fatalf("printed %d copies, want 2", len(docs))
	}
	cb, _ := h.k.Center.SessionBinding(b.SessionID)
	for i, d := range docs {
		if !d.BoundTo(b) || !d.BoundTo(cb) {
			t.Errorf("copy %d not bound to the session", i+1)
		}
		if c := d.Content(); c.CopyIndex != i+1 || c.Persons[0].Fields[0].Value != sim.DemoName {
			t.Errorf("copy %d: index %d person %v", i+1, c.CopyIndex, c.Persons)
		}
	}
	h.tap(kiosk.BtnDone)
	h.wait(kiosk.Receipt)
	h.tap(kiosk.BtnReceipt)
	idle := h.wait(kiosk.Idle)
	idle = h.settle()
	if !idle.Ledger.Balanced() || idle.Ledger.Spent != 400 || idle.Ledger.Change != 200 {
		t.Errorf("ledger %+v", idle.Ledger)
	}
	if h.k.Cashbox.PaidOut != 200 {
		t.Errorf("cashbox paid out %d, want 200 change", h.k.Cashbox.PaidOut)
	}
	recs := h.k.Outbox.All()
	if len(recs) != 1 || recs[0].Kind != kiosk.RecordCompletion || recs[0].Printed != 2 || recs[0].Amount != 400 {
		t.Errorf("outbox %+v", recs)
	}
	if sl := h.k.Slips.All(); len(sl) != 1 || sl[0].Kind != kiosk.SlipReceipt || sl[0].Amount != 400 {
		t.Errorf("slips %+v", sl)
	}
	// Nothing personal left in what the machine holds, nor in the journal or the outbox.
	noPersonalData(t, "state", idle, personal...)
	noPersonalData(t, "journal", h.k.Journal.All(), personal...)
	noPersonalData(t, "outbox", recs, personal...)
	if !reflectZeroTx(idle) {
		t.Errorf("transaction data left at idle: %+v", idle.Tx)
	}
	for i, p := range h.k.Card.Seen {
		for _, c := range p {
			if c != 0 {
				t.Fatalf("PIN buffer %d handed to the card was not zeroed", i)
			}
		}
	}
}

func reflectZeroTx(s kiosk.State) bool {
	t := s.Tx
	return t.ID == "" && t.Session == nil && t.PIN == nil && t.NewPIN == nil && t.AuthCert == nil &&
		t.Login == nil && t.Docs == nil && t.Issuance == nil && len(t.Challenge.Nonce) == 0
}

func TestScenarioWrongPINThenLastTry(t *testing.T) {
	h := newHarness(t, nil)
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "en")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, "certificates")
	h.send(kiosk.CardPlaced{})
	if s := h.wait(kiosk.EnterPIN); s.View().TriesLeft != 3 {
		t.Fatalf("tries shown %d, want 3", s.View().TriesLeft)
	}
	h.keys("12") // too short
	h.send(kiosk.Key{Key: kiosk.KeyEnter})
	if s := h.settle(); s.Message != kiosk.MsgPINTooShort || s.Screen != kiosk.EnterPIN || h.k.Card.AuthTries != 3 {
		t.Fatalf("short PIN: screen %s message %q tries %d", s.Screen, s.Message, h.k.Card.AuthTries)
	}
	h.send(kiosk.Key{Key: kiosk.KeyClear})
	h.keys("9999\n")
	h.wait(kiosk.Verifying)
	s := h.wait(kiosk.EnterPIN)
	if v := s.View(); v.TriesLeft != 2 || v.Message != kiosk.MsgPINWrong || v.PINLength != 0 {
		t.Fatalf("after wrong PIN: %+v", v)
	}
	h.keys("9998\n")
	h.wait(kiosk.Verifying)
	s = h.wait(kiosk.EnterPIN)
	if s.View().TriesLeft != 1 {
		t.Fatalf("tries %d, want 1", s.View().TriesLeft)
	}
	h.keys(sim.DemoAuthPIN + "\n")
	s = h.wait(kiosk.ConfirmLastTry)
	if s.Message != kiosk.MsgLastTry {
		t.Fatalf("last try message %q", s.Message)
	}
	h.tap(kiosk.BtnProceed)
	h.wait(kiosk.TakeCardBack)
	if h.k.Card.AuthTries != 3 {
		t.Errorf("card tries %d after a right PIN, want 3", h.k.Card.AuthTries)
	}
}

func TestScenarioBlocked(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Card.AuthTries = 1 })
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, "certificates")
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.EnterPIN)
	h.keys("0000\n")
	h.wait(kiosk.ConfirmLastTry)
	h.tap(kiosk.BtnProceed)
	o := h.wait(kiosk.Outcome)
	if o.Outcome.Key != kiosk.OutcomeBlocked || o.Outcome.Next != kiosk.NextCityHall {
		t.Fatalf("outcome %+v", o.Outcome)
	}
	h.tap(kiosk.BtnDone)
	h.wait(kiosk.Idle)
	// Placed again, the blocked card is told apart before any PIN is typed.
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, "certificates")
	o = h.wait(kiosk.Outcome) // the card is still on the reader: read at once
	if o.Outcome.Key != kiosk.OutcomeBlocked {
		t.Fatalf("outcome %+v", o.Outcome)
	}
	if slices.Contains(h.screens()[len(h.screens())-3:], kiosk.EnterPIN) {
		t.Error("PIN asked of a blocked card")
	}
}

func TestScenarioRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(k *sim.Kit)
		key   string
		next  string
	}{
		{"expired", func(k *sim.Kit) { k.Card.AuthCert.NotAfter = t0.AddDate(0, 0, -1) }, "refusal.expired", kiosk.NextRenew},
		{"revoked", func(k *sim.Kit) { k.Resident.Refusal = "revoked" }, "refusal.revoked", kiosk.NextCityHall},
		{"suspended", func(k *sim.Kit) { k.Resident.Refusal = "suspended" }, "refusal.suspended", kiosk.NextCityHall},
		{"move in day", func(k *sim.Kit) { k.Resident.Refusal = "move_in_day" }, "refusal.move_in_day", kiosk.NextTryTomorrow},
		{"unknown code", func(k *sim.Kit) { k.Resident.Refusal = "martian" }, kiosk.RefusalOther, kiosk.NextAskStaff},
		{"not a mynumber card", func(k *sim.Kit) { k.Card.NotJPKI = true }, kiosk.OutcomeNotMyNumber, kiosk.NextNone},
		{"no user cert", func(k *sim.Kit) { k.Card.AuthCert = nil }, kiosk.OutcomeNoUserCert, kiosk.NextCityHall},
		{"center down", func(k *sim.Kit) { k.Center.Down = true }, kiosk.OutcomeCenterDown, kiosk.NextTryLater},
		{"center garbage", func(k *sim.Kit) { k.Center.Garbage = true }, kiosk.OutcomeCenterError, kiosk.NextTryLater},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.setup)
			h.tap(kiosk.BtnStart)
			h.tap(kiosk.BtnLanguage, "ja")
			h.tap(kiosk.BtnAgree)
			h.tap(kiosk.BtnService, "certificates")
			h.send(kiosk.CardPlaced{})
			if tc.name != "expired" && tc.name != "not a mynumber card" && tc.name != "no user cert" {
				h.wait(kiosk.EnterPIN)
				h.keys(sim.DemoAuthPIN + "\n")
			}
			o := h.wait(kiosk.Outcome)
			if o.Outcome.Key != tc.key || o.Outcome.Next != tc.next {
				t.Fatalf("outcome %+v, want %s / %s", o.Outcome, tc.key, tc.next)
			}
			if tc.name == "expired" && !o.Outcome.Date.Equal(h.k.Card.AuthCert.NotAfter) {
				t.Errorf("expired outcome date %v", o.Outcome.Date)
			}
			if !slices.Contains(kiosk.MessageKeys(), o.Outcome.Key) || !slices.Contains(kiosk.MessageKeys(), o.Outcome.Next) {
				t.Errorf("outcome keys not in MessageKeys: %+v", o.Outcome)
			}
			h.k.Clock.Advance(h.cfg.Hold)
			s := h.wait(kiosk.Idle)
			noPersonalData(t, "state", s, personal...)
		})
	}
}

func TestScenarioSmartphoneTokens(t *testing.T) {
	t.Run("android: PIN before the certificate", func(t *testing.T) {
		h := newHarness(t, func(k *sim.Kit) { k.Card.Token = kiosk.TokenAndroid })
		h.tap(kiosk.BtnStart)
		h.tap(kiosk.BtnLanguage, "ja")
		h.tap(kiosk.BtnAgree)
		h.tap(kiosk.BtnService, "certificates")
		h.send(kiosk.CardPlaced{})
		s := h.wait(kiosk.EnterPIN)
		if s.Tx.AuthCert != nil {
			t.Fatal("android certificate known before the PIN")
		}
		h.keys(sim.DemoAuthPIN + "\n")
		s = h.wait(kiosk.TakeCardBack)
		if s.Tx.Login == nil || s.Tx.Login.SHA256 != h.k.Card.AuthCert.SHA256 {
			t.Fatal("android login certificate not read after the PIN")
		}
	})
	t.Run("iphone: no PIN at the kiosk", func(t *testing.T) {
		h := newHarness(t, func(k *sim.Kit) { k.Card.Token = kiosk.TokenIPhone })
		h.tap(kiosk.BtnStart)
		h.tap(kiosk.BtnLanguage, "ja")
		h.tap(kiosk.BtnAgree)
		h.tap(kiosk.BtnService, "certificates")
		h.send(kiosk.CardPlaced{})
		h.wait(kiosk.TakeCardBack)
		if slices.Contains(h.screens(), kiosk.EnterPIN) {
			t.Error("iPhone asked for a PIN")
		}
	})
	t.Run("phone token cannot reset PINs here", func(t *testing.T) {
		h := newHarness(t, func(k *sim.Kit) { k.Card.Token = kiosk.TokenAndroid })
		h.tap(kiosk.BtnStart)
		h.tap(kiosk.BtnLanguage, "ja")
		h.tap(kiosk.BtnAgree)
		h.tap(kiosk.BtnService, kiosk.ServiceResetSignaturePIN.String())
		h.send(kiosk.CardPlaced{})
		if o := h.wait(kiosk.Outcome); o.Outcome.Key != kiosk.OutcomePhoneTokenReset || o.Outcome.Next != kiosk.NextPhoneApp {
			t.Fatalf("outcome %+v", o.Outcome)
		}
	})
}

func TestScenarioCardPulled(t *testing.T) {
	// At each step that needs the card: pulled → whole session aborted, card_removed, idle.
	steps := []struct {
		name string
		to   func(h *harness)
	}{
		{"reading", func(h *harness) { h.k.Card.Hang(true); h.send(kiosk.CardPlaced{}); h.wait(kiosk.ReadingCard) }},
		{"pin entry", func(h *harness) { h.send(kiosk.CardPlaced{}); h.wait(kiosk.EnterPIN); h.keys("12") }},
		{"last try", func(h *harness) {
			h.k.Card.AuthTries = 1
			h.send(kiosk.CardPlaced{})
			h.wait(kiosk.EnterPIN)
			h.keys("1234\n")
			h.wait(kiosk.ConfirmLastTry)
		}},
		{"verifying", func(h *harness) {
			h.send(kiosk.CardPlaced{})
			h.wait(kiosk.EnterPIN)
			h.k.Card.Hang(true)
			h.keys("1234\n")
			h.wait(kiosk.Verifying)
		}},
		{"logging in", func(h *harness) {
			h.k.Center.Set(func(c *sim.Center) { c.Hang = true })
			h.send(kiosk.CardPlaced{})
			h.wait(kiosk.EnterPIN)
			h.keys("1234\n")
			h.wait(kiosk.LoggingIn)
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.tap(kiosk.BtnStart)
			h.tap(kiosk.BtnLanguage, "ja")
			h.tap(kiosk.BtnAgree)
			h.tap(kiosk.BtnService, "certificates")
			h.wait(kiosk.PlaceCard)
			st.to(h)
			h.k.Card.Remove()
			h.send(kiosk.CardRemoved{})
			o := h.wait(kiosk.Outcome)
			if o.Outcome.Key != kiosk.OutcomeCardRemoved {
				t.Fatalf("outcome %+v", o.Outcome)
			}
			if o.Tx.ID != "" || o.Await != (kiosk.Req{}) {
				t.Errorf("transaction not ended: %+v await %+v", o.Tx.ID, o.Await)
			}
			h.k.Card.Hang(false)
			h.k.Center.Set(func(c *sim.Center) { c.Hang = false })
			h.k.Clock.Advance(h.cfg.Hold)
			h.wait(kiosk.Idle)
		})
	}
}

func TestScenarioSlowCenterTimesOut(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Center.Hang = true })
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, "certificates")
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.EnterPIN)
	h.keys("1234\n")
	h.wait(kiosk.LoggingIn)
	h.k.Clock.Advance(h.cfg.Operation)
	o := h.wait(kiosk.Outcome)
	if o.Outcome.Key != kiosk.OutcomeCenterTimeout {
		t.Fatalf("outcome %+v", o.Outcome)
	}
	// The hung call was cancelled by the abort; its late answer is dropped as stale.
	deadline := time.Now().Add(5 * time.Second)
	for !journaled(h, "stale_answer") {
		if time.Now().After(deadline) {
			t.Fatal("the cancelled center call's late answer was not dropped as stale")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := h.settle(); s.Screen != kiosk.Outcome || s.Outcome.Key != kiosk.OutcomeCenterTimeout {
		t.Fatalf("the late answer changed the screen: %s %+v", s.Screen, s.Outcome)
	}
}

// toPay walks a logged-in session to the payment screen for copies of 所得証明書 (300 yen each).
func (h *harness) toPay(copies int) kiosk.State {
	h.t.Helper()
	h.login()
	h.tap(kiosk.BtnIssue)
	h.tap(kiosk.BtnChooseType, document.TypeShotoku)
	h.wait(kiosk.ChooseCopies)
	for i := 1; i < copies; i++ {
		h.tap(kiosk.BtnMore)
	}
	h.tap(kiosk.BtnNext)
	h.tap(kiosk.BtnConfirm)
	return h.wait(kiosk.Pay)
}

func TestScenarioPrinterFaultAfterPaymentRefunds(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Printer.FaultAt(2, "jam") })
	h.toPay(3)
	h.send(h.k.Cashbox.Insert(500), h.k.Cashbox.Insert(500))
	o := h.wait(kiosk.Outcome)
	if o.Outcome.Key != kiosk.OutcomePrinterFault {
		t.Fatalf("outcome %+v", o.Outcome)
	}
	s := h.settle()
	if len(h.k.Printer.Docs()) != 1 {
		t.Fatalf("printed %d, want 1 before the jam", len(h.k.Printer.Docs()))
	}
	l := s.Ledger
	if !l.Balanced() || l.In != 1000 || l.Spent != 300 || l.Change != 100 || l.Refunded != 600 {
		t.Fatalf("ledger %+v", l)
	}
	if h.k.Cashbox.PaidOut != 700 {
		t.Errorf("cashbox paid out %d, want 700", h.k.Cashbox.PaidOut)
	}
	kinds := map[kiosk.RecordKind]kiosk.Record{}
	for _, r := range h.k.Outbox.All() {
		kinds[r.Kind] = r
	}
	if v := kinds[kiosk.RecordVoid]; v.Printed != 1 || v.Copies != 3 || v.Reason != "printer_jam" {
		t.Errorf("void record %+v", v)
	}
	if r := kinds[kiosk.RecordRefund]; r.Amount != 600 {
		t.Errorf("refund record %+v", r)
	}
	if s.Flags&kiosk.FlagPrinterFault == 0 {
		t.Error("printer fault did not take the kiosk out of service")
	}
	h.k.Clock.Advance(h.cfg.Hold)
	h.wait(kiosk.OutOfService)
}

func TestScenarioCashboxCannotPayOut(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Cashbox.Float = 0 })
	h.toPay(1)
	h.send(h.k.Cashbox.Insert(1000)) // a bill: 700 change, and no coins to give it
	h.wait(kiosk.TakeCertificates)
	h.tap(kiosk.BtnDone)
	h.tap(kiosk.BtnNoReceipt)
	h.wait(kiosk.Idle)
	s := h.settle()
	if l := s.Ledger; !l.Balanced() || l.Owed != 700 || l.Spent != 300 {
		t.Fatalf("ledger %+v", l)
	}
	var owed []kiosk.Record
	for _, r := range h.k.Outbox.All() {
		if r.Kind == kiosk.RecordRefundOwed {
			owed = append(owed, r)
		}
	}
	if len(owed) != 1 || owed[0].Amount != 700 {
		t.Fatalf("owed records %+v", owed)
	}
	sl := h.k.Slips.All()
	if len(sl) != 1 || sl[0].Kind != kiosk.SlipRefundOwed || sl[0].Amount != 700 || sl[0].Ref != owed[0].Txn {
		t.Fatalf("slips %+v", sl)
	}
	// The journal says why the cashbox paid less: its own error is not swallowed.
	found := false
	for _, j := range h.k.Journal.All() {
		if j.Code == "refund_owed" && strings.Contains(j.Detail, "float empty") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no refund_owed entry with the cashbox's error: %+v", h.k.Journal.All())
	}
}

func TestScenarioDocumentRejected(t *testing.T) {
	for _, knob := range []string{"cross-bound", "bad signature"} {
		t.Run(knob, func(t *testing.T) {
			h := newHarness(t, func(k *sim.Kit) {
				k.Center.CrossBind = knob == "cross-bound"
				k.Center.BadSig = knob == "bad signature"
			})
			h.login()
			h.tap(kiosk.BtnIssue)
			h.tap(kiosk.BtnChooseType, document.TypeInkan)
			h.wait(kiosk.ChooseCopies)
			h.tap(kiosk.BtnNext)
			h.tap(kiosk.BtnConfirm)
			o := h.wait(kiosk.Outcome)
			if o.Outcome.Key != kiosk.OutcomeDocumentRejected {
				t.Fatalf("outcome %+v", o.Outcome)
			}
			if len(h.k.Printer.Docs()) != 0 || slices.Contains(h.screens(), kiosk.Pay) {
				t.Fatal("a rejected document reached payment or the printer")
			}
			var mismatch, void bool
			for _, r := range h.k.Outbox.All() {
				mismatch = mismatch || r.Kind == kiosk.RecordBindingMismatch
				void = void || r.Kind == kiosk.RecordVoid
			}
			alarm := false
			for _, e := range h.k.Journal.All() {
				alarm = alarm || (e.Severity == kiosk.Alarm && e.Code == "binding_mismatch")
			}
			if !mismatch || !void || !alarm {
				t.Errorf("mismatch reported %v, voided %v, journaled %v", mismatch, void, alarm)
			}
		})
	}
}

func TestScenarioInactivityFromEveryState(t *testing.T) {
	reach := map[kiosk.Screen]func(h *harness){
		kiosk.ChooseLanguage: func(h *harness) { h.tap(kiosk.BtnStart) },
		kiosk.Terms:          func(h *harness) { h.tap(kiosk.BtnStart); h.tap(kiosk.BtnLanguage, "ja") },
		kiosk.ChooseService: func(h *harness) {
			h.tap(kiosk.BtnStart)
			h.tap(kiosk.BtnLanguage, "ja")
			h.tap(kiosk.BtnAgree)
		},
		kiosk.PlaceCard: func(h *harness) {
			h.tap(kiosk.BtnStart)
			h.tap(kiosk.BtnLanguage, "ja")
			h.tap(kiosk.BtnAgree)
			h.tap(kiosk.BtnService, "certificates")
		},
		kiosk.EnterPIN: func(h *harness) {
			reachPlace(h)
			h.send(kiosk.CardPlaced{})
			h.wait(kiosk.EnterPIN)
			h.keys("12")
		},
		kiosk.TakeCardBack: func(h *harness) {
			reachPlace(h)
			h.send(kiosk.CardPlaced{})
			h.wait(kiosk.EnterPIN)
			h.keys("1234\n")
		},
		kiosk.Menu:              func(h *harness) { h.login() },
		kiosk.ChooseCertificate: func(h *harness) { h.login(); h.tap(kiosk.BtnIssue) },
		kiosk.ChooseOptions: func(h *harness) {
			h.login()
			h.tap(kiosk.BtnIssue)
			h.tap(kiosk.BtnChooseType, document.TypeJuminhyo)
		},
		kiosk.ChooseMembers: func(h *harness) {
			h.login()
			h.tap(kiosk.BtnIssue)
			h.tap(kiosk.BtnChooseType, document.TypeJuminhyo)
			h.tap(kiosk.BtnNext)
		},
		kiosk.ChooseCopies: func(h *harness) {
			h.login()
			h.tap(kiosk.BtnIssue)
			h.tap(kiosk.BtnChooseType, document.TypeInkan)
		},
		kiosk.Confirm: func(h *harness) {
			h.login()
			h.tap(kiosk.BtnIssue)
			h.tap(kiosk.BtnChooseType, document.TypeInkan)
			h.tap(kiosk.BtnNext)
		},
		kiosk.Pay:           func(h *harness) { h.toPay(2); h.send(h.k.Cashbox.Insert(100)) },
		kiosk.KosekiConfirm: func(h *harness) { h.login(); h.tap(kiosk.BtnKoseki) },
	}
	for sc, to := range reach {
		t.Run(sc.String(), func(t *testing.T) {
			h := newHarness(t, nil)
			to(h)
			h.settle() // every key and tap taken (each restarts the screen's timer)
			h.current(sc)
			h.k.Clock.Advance(h.cfg.Inactivity)
			w := h.wait(kiosk.TimeoutWarning)
			if w.Prev != sc {
				t.Fatalf("warning returns to %s, want %s", w.Prev, sc)
			}
			// The resident is still there: back to the same screen.
			h.tap(kiosk.BtnContinue)
			h.wait(sc)
			h.k.Clock.Advance(h.cfg.Inactivity)
			h.wait(kiosk.TimeoutWarning)
			h.k.Clock.Advance(h.cfg.Warning)
			o := h.wait(kiosk.Outcome)
			if o.Outcome.Key != kiosk.OutcomeTimeout {
				t.Fatalf("outcome %+v", o.Outcome)
			}
			h.k.Clock.Advance(h.cfg.Hold)
			s := h.wait(kiosk.Idle)
			s = h.settle()
			if !s.Ledger.Balanced() || s.Ledger.Refunded != s.Ledger.In {
				t.Errorf("ledger after timeout %+v", s.Ledger)
			}
			noPersonalData(t, "state", s, personal...)
		})
	}
}

func reachPlace(h *harness) {
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, "certificates")
	h.wait(kiosk.PlaceCard)
}

func TestScenarioPINReset(t *testing.T) {
	h := newHarness(t, nil)
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, kiosk.ServiceResetSignaturePIN.String())
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.EnterPIN)
	h.keys(sim.DemoAuthPIN + "\n")
	r := h.wait(kiosk.ResetReservation)
	if v := r.View(); v.Reservation == nil || v.Reservation.ID != "rsv-1" {
		t.Fatalf("reservation view %+v", v.Reservation)
	}
	h.tap(kiosk.BtnNext)
	h.wait(kiosk.ResetNewPIN)
	h.keys("abc")
	s := h.settle()
	if ru := s.View().Rules; !ru.HasLetter || ru.HasDigit || ru.LengthOK || ru.OK() {
		t.Fatalf("rules after abc: %+v", ru)
	}
	h.send(kiosk.Key{Key: kiosk.KeyEnter})
	if s := h.settle(); s.Message != kiosk.MsgPINRules || s.Screen != kiosk.ResetNewPIN {
		t.Fatalf("rules unmet: %s %q", s.Screen, s.Message)
	}
	h.keys("123")
	if s := h.settle(); !s.View().Rules.OK() {
		t.Fatalf("rules after abc123: %+v", s.View().Rules)
	}
	h.send(kiosk.Key{Key: kiosk.KeyEnter})
	h.wait(kiosk.ResetConfirmPIN)
	h.keys("ABC124\n") // typed differently
	s = h.wait(kiosk.ResetNewPIN)
	if s.Message != kiosk.MsgPINMismatch || s.View().PINLength != 0 {
		t.Fatalf("mismatch: %q length %d", s.Message, s.View().PINLength)
	}
	h.keys("xyz789\n")
	h.wait(kiosk.ResetConfirmPIN)
	h.keys("XYZ789\n")
	h.wait(kiosk.ResetDone)
	if h.k.Card.SigPIN != "XYZ789" || h.k.Card.SigTries != 5 {
		t.Fatalf("card signature PIN %q tries %d", h.k.Card.SigPIN, h.k.Card.SigTries)
	}
	recs := h.k.Outbox.All()
	if len(recs) != 1 || recs[0].Kind != kiosk.RecordPINReset || !recs[0].OK || recs[0].ResetID == "" {
		t.Fatalf("outbox %+v", recs)
	}
	h.k.Card.Remove()
	h.send(kiosk.CardRemoved{})
	h.wait(kiosk.Idle)
	for i, p := range h.k.Card.Seen {
		for _, c := range p {
			if c != 0 {
				t.Fatalf("PIN buffer %d not zeroed", i)
			}
		}
	}
}

func TestScenarioPINResetMirror(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) {
		k.Resident.Reservation = &kiosk.Reservation{ID: "rsv-2", PIN: kiosk.UserAuthPIN, Expires: t0.Add(time.Hour)}
	})
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, kiosk.ServiceResetUserPIN.String())
	h.send(kiosk.CardPlaced{})
	s := h.wait(kiosk.EnterPIN)
	if s.View().TriesLeft != 5 {
		t.Fatalf("signature PIN tries shown %d, want 5", s.View().TriesLeft)
	}
	h.keys("abc123\n") // lower case is upper-cased
	h.wait(kiosk.ResetReservation)
	h.tap(kiosk.BtnNext)
	h.keys("12345") // a fifth digit is refused
	if s := h.settle(); s.View().PINLength != 4 || !s.View().Rules.OK() {
		t.Fatalf("new user PIN: length %d rules %+v", s.View().PINLength, s.View().Rules)
	}
	h.send(kiosk.Key{Key: kiosk.KeyEnter})
	h.keys("1234\n")
	h.wait(kiosk.ResetDone)
	if h.k.Card.AuthPIN != "1234" {
		t.Fatalf("card user PIN %q", h.k.Card.AuthPIN)
	}
}

func TestScenarioReservationMissing(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Resident.Reservation = nil })
	h.tap(kiosk.BtnStart)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, kiosk.ServiceResetSignaturePIN.String())
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.EnterPIN)
	h.keys("1234\n")
	if o := h.wait(kiosk.Outcome); o.Outcome.Key != "refusal.reservation_not_found" || o.Outcome.Next != kiosk.NextReserveInApp {
		t.Fatalf("outcome %+v", o.Outcome)
	}
}

func TestScenarioKosekiRegistration(t *testing.T) {
	h := newHarness(t, nil)
	h.login()
	h.tap(kiosk.BtnIssue)
	h.tap(kiosk.BtnChooseType, document.TypeKosekiZenbu)
	if s := h.settle(); s.Screen != kiosk.ChooseCertificate || s.Message != "refusal.koseki_registration_required" {
		t.Fatalf("koseki before registration: %s %q", s.Screen, s.Message)
	}
	h.tap(kiosk.BtnBack)
	h.wait(kiosk.Menu)
	h.tap(kiosk.BtnKoseki)
	h.wait(kiosk.KosekiConfirm)
	h.tap(kiosk.BtnConfirm)
	s := h.wait(kiosk.Menu)
	if s.Message != kiosk.MsgKosekiRegistered || s.Tx.Session.KosekiRegistration {
		t.Fatalf("after registration: %q %v", s.Message, s.Tx.Session.KosekiRegistration)
	}
	h.tap(kiosk.BtnIssue)
	h.tap(kiosk.BtnChooseType, document.TypeKosekiZenbu)
	h.wait(kiosk.ChooseCopies)
}

func TestScenarioOutOfServiceWhenOutboxFull(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Outbox.Cap = 1 })
	// A cancelled issuance writes a void record (fits) and a refund record (does not).
	h.toPay(1)
	h.send(h.k.Cashbox.Insert(100))
	h.tap(kiosk.BtnCancel)
	h.wait(kiosk.Outcome)
	h.k.Clock.Advance(h.cfg.Hold)
	s := h.wait(kiosk.OutOfService)
	if s.Flags&kiosk.FlagOutboxFull == 0 {
		t.Fatalf("flags %#x", s.Flags)
	}
	h.tap(kiosk.BtnStart)
	if s := h.settle(); s.Screen != kiosk.OutOfService {
		t.Fatalf("a session started while out of service: %s", s.Screen)
	}
	h.send(kiosk.ServiceChanged{Flag: kiosk.FlagOutboxFull})
	h.wait(kiosk.Idle)
}

// A record the outbox cannot store for another reason than being full (a disk error) keeps the
// kiosk out of service until a technician has looked: the outbox guard making room does not
// clear it, putting the kiosk back in service does.
func TestScenarioStorageFaultWaitsForTheTechnician(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Outbox.Err = errors.New("write outbox.db: input/output error") })
	h.toPay(1)
	h.send(h.k.Cashbox.Insert(100))
	h.tap(kiosk.BtnCancel)
	h.wait(kiosk.Outcome)
	h.k.Clock.Advance(h.cfg.Hold)
	s := h.wait(kiosk.OutOfService)
	if s.Flags != kiosk.FlagStorageFault {
		t.Fatalf("flags %#x, want only the storage fault", s.Flags)
	}
	journaled := false
	for _, e := range h.k.Journal.All() {
		journaled = journaled || e.Code == "outbox_append_failed"
	}
	if !journaled {
		t.Error("the failed append is not journaled")
	}
	h.send(kiosk.ServiceChanged{Flag: kiosk.FlagOutboxFull}) // the guard: room enough
	if s := h.settle(); s.Screen != kiosk.OutOfService {
		t.Fatalf("the outbox guard cleared a disk error: %s", s.Screen)
	}
	h.send(kiosk.RemoteMaintenance{Action: kiosk.MaintServiceOn})
	h.wait(kiosk.Idle)
}

// The maintenance key turned during payment does not cut the resident off: they cancel, get
// their money back, and only then does the kiosk go into maintenance.
func TestScenarioMaintenanceDuringPayment(t *testing.T) {
	h := newHarness(t, nil)
	h.toPay(2)
	h.send(h.k.Cashbox.Insert(500))
	h.send(kiosk.TechnicianKey{On: true})
	if s := h.settle(); s.Screen != kiosk.Pay || s.Tx.ID == "" {
		t.Fatalf("the key interrupted payment: %s", s.Screen)
	}
	h.tap(kiosk.BtnCancel)
	h.wait(kiosk.Outcome)
	h.tap(kiosk.BtnDone)
	s := h.wait(kiosk.Maintenance)
	s = h.settle()
	if !s.Ledger.Balanced() || s.Ledger.Refunded != 500 || h.k.Cashbox.PaidOut != 500 {
		t.Fatalf("ledger %+v paid out %d", s.Ledger, h.k.Cashbox.PaidOut)
	}
	if s.Tx.ID != "" {
		t.Fatal("transaction survived maintenance entry")
	}
	h.send(kiosk.TechnicianKey{On: false})
	h.wait(kiosk.Idle)
}

func TestScenarioRenewalNotices(t *testing.T) {
	for _, tc := range []struct {
		name     string
		notAfter time.Time
		key      string
		date     func(c kiosk.CertInfo) time.Time
	}{
		{"renewal open", t0.AddDate(0, 2, 0), kiosk.NoticeRenewalOpen, func(c kiosk.CertInfo) time.Time { return c.NotAfter }},
		{"renewal soon", t0.AddDate(0, 5, 0), kiosk.NoticeRenewalFrom, func(c kiosk.CertInfo) time.Time { return c.RenewFrom }},
		{"far off", t0.AddDate(3, 0, 0), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(k *sim.Kit) {
				c := sim.MakeCert("demo-1/auth", tc.notAfter)
				k.Card.AuthCert.NotAfter, k.Card.AuthCert.RenewFrom = c.NotAfter, c.RenewFrom
			})
			v := h.login().View()
			if tc.key == "" {
				if len(v.Notices) != 0 {
					t.Fatalf("notices %+v", v.Notices)
				}
				return
			}
			if len(v.Notices) != 1 || v.Notices[0].Key != tc.key || !v.Notices[0].Date.Equal(tc.date(*h.k.Card.AuthCert)) {
				t.Fatalf("notices %+v", v.Notices)
			}
		})
	}
}

func TestRunnerStopsWithCallsInFlight(t *testing.T) {
	h := newHarness(t, func(k *sim.Kit) { k.Card.Hang(true) })
	reachPlace(h)
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.ReadingCard)
	h.stop()
	select {
	case err := <-h.done:
		if err == nil {
			t.Fatal("Run returned nil after cancel")
		}
		h.done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return while a card call hung")
	}
	if h.r.Send(kiosk.Tap{Button: kiosk.BtnCancel}) {
		t.Error("Send accepted an event after the runner stopped")
	}
}

func journaled(h *harness, code string) bool {
	for _, e := range h.k.Journal.All() {
		if e.Code == code {
			return true
		}
	}
	return false
}
