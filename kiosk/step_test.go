package kiosk

import (
	"crypto/sha256"
	"testing"
	"time"
)

func effectsOf[T Effect](effs []Effect) []T {
	var out []T
	for _, e := range effs {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func idle() State { return NewState(DefaultConfig(), "boot") }

// loggedIn is a state on the menu of a logged-in certificate session.
func loggedIn() State {
	s := idle()
	s.Txn = 7
	s.Tx = Transaction{ID: "kiosk-boot-7", Service: ServiceCertificates}
	c := CertInfo{DER: []byte("c"), SHA256: sha256.Sum256([]byte("c")), NotAfter: testNow.AddDate(1, 0, 0)}
	s.Tx.AuthCert, s.Tx.Login = &c, &c
	s.Tx.Challenge = Challenge{ID: "ch", Nonce: []byte("nonce-1")}
	s.Tx.Session = &Session{ID: "sess-1", Catalog: []Offer{{Type: "inkan", Fee: 200, MaxCopies: 2, Available: true}}}
	s.Screen = Menu
	return s
}

func TestStepTransitions(t *testing.T) {
	type check func(t *testing.T, s State, effs []Effect)
	screen := func(want Screen) check {
		return func(t *testing.T, s State, _ []Effect) {
			if s.Screen != want {
				t.Errorf("screen %s, want %s", s.Screen, want)
			}
		}
	}
	ignored := func(t *testing.T, _ State, effs []Effect) {
		if len(effs) != 0 {
			t.Errorf("effects %v, want none", effs)
		}
	}
	at := func(sc Screen, f func(s *State)) State {
		s := idle()
		s.Txn = 3
		s.Tx.ID = "kiosk-boot-3"
		s.Tx.Service = ServiceCertificates
		s.Screen = sc
		if f != nil {
			f(&s)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		s      State
		e      Event
		checks []check
	}{
		{"start", idle(), Tap{Button: BtnStart}, []check{screen(ChooseLanguage), func(t *testing.T, s State, effs []Effect) {
			if s.Txn != 1 || s.Tx.ID == "" || len(effectsOf[StartTimer](effs)) != 1 {
				t.Errorf("txn %d id %q timers %v", s.Txn, s.Tx.ID, effs)
			}
		}}},
		{"start while out of service", func() State { s := idle(); s.Flags = FlagPaperOut; return s }(), Tap{Button: BtnStart}, []check{ignored}},
		{"flag raised at idle", idle(), ServiceChanged{Flag: FlagOutboxFull, On: true}, []check{screen(OutOfService)}},
		{"flag cleared", func() State { s := idle(); s.Flags = FlagOutboxFull; s.Screen = OutOfService; return s }(),
			ServiceChanged{Flag: FlagOutboxFull}, []check{screen(Idle)}},
		{"unknown language", at(ChooseLanguage, nil), Tap{Button: BtnLanguage, Arg: "xx"}, []check{ignored}},
		{"wrong button", at(Terms, nil), Tap{Button: BtnIssue}, []check{ignored}},
		{"duplicate start", at(ChooseLanguage, nil), Tap{Button: BtnStart}, []check{ignored}},
		{"card placed reads", at(PlaceCard, nil), CardPlaced{}, []check{screen(ReadingCard), func(t *testing.T, s State, effs []Effect) {
			rc := effectsOf[ReadCard](effs)
			if len(rc) != 1 || rc[0].Req != s.Await || rc[0].Req.Txn != 3 {
				t.Errorf("read %v await %v", rc, s.Await)
			}
		}}},
		{"stale card read", at(ReadingCard, func(s *State) { s.Await = Req{Txn: 3, Seq: 9} }),
			CardRead{Req: Req{Txn: 2, Seq: 8}, Info: CardInfo{Token: TokenCard, HasAuthCert: true, TriesLeft: 3}},
			[]check{screen(ReadingCard), func(t *testing.T, s State, effs []Effect) {
				if len(effectsOf[Render](effs)) != 0 || len(effectsOf[Journal](effs)) != 1 || s.Await != (Req{Txn: 3, Seq: 9}) {
					t.Errorf("stale answer not dropped: %v", effs)
				}
			}}},
		{"expired before PIN", at(ReadingCard, func(s *State) { s.Await = Req{Txn: 3, Seq: 1} }),
			CardRead{Req: Req{Txn: 3, Seq: 1}, At: testNow, Info: CardInfo{Token: TokenCard, HasAuthCert: true, TriesLeft: 3,
				AuthCert: &CertInfo{NotAfter: testNow.Add(-time.Hour)}}},
			[]check{screen(Outcome), func(t *testing.T, s State, _ []Effect) {
				if s.Outcome.Key != "refusal.expired" || s.Outcome.Next != NextRenew {
					t.Errorf("outcome %+v", s.Outcome)
				}
			}}},
		{"hardware key", at(EnterPIN, func(s *State) { s.Tx.PIN = new(PINBuffer); s.Tx.Tries = 3 }),
			Key{Key: '5', Source: HardwareKeypad}, []check{screen(EnterPIN), func(t *testing.T, s State, effs []Effect) {
				cues := effectsOf[Cue](effs)
				if s.Tx.PIN.Len() != 1 || len(cues) != 1 || cues[0].Key != CueKey {
					t.Errorf("len %d cues %v", s.Tx.PIN.Len(), cues)
				}
			}}},
		{"letter in a 4-digit PIN", at(EnterPIN, func(s *State) { s.Tx.PIN = new(PINBuffer) }), Key{Key: 'A'},
			[]check{func(t *testing.T, s State, effs []Effect) {
				if s.Tx.PIN.Len() != 0 || len(effectsOf[Render](effs)) != 0 {
					t.Errorf("letter accepted")
				}
			}}},
		{"enter with one try left", at(EnterPIN, func(s *State) {
			s.Tx.PIN = new(PINBuffer)
			for _, c := range "1234" {
				s.Tx.PIN.push(byte(c))
			}
			s.Tx.Tries = 1
		}), Key{Key: KeyEnter}, []check{screen(ConfirmLastTry), func(t *testing.T, s State, effs []Effect) {
			if len(effectsOf[VerifyPIN](effs)) != 0 {
				t.Error("PIN sent without the last-try confirmation")
			}
		}}},
		{"verify hands the buffer over", at(EnterPIN, func(s *State) {
			s.Tx.PIN = new(PINBuffer)
			for _, c := range "1234" {
				s.Tx.PIN.push(byte(c))
			}
			s.Tx.Tries = 3
		}), Key{Key: KeyEnter}, []check{screen(Verifying), func(t *testing.T, s State, effs []Effect) {
			v := effectsOf[VerifyPIN](effs)
			if len(v) != 1 || string(v[0].Buffer.Bytes()) != "1234" || s.Tx.PIN != nil {
				t.Errorf("verify %v, state PIN %v", v, s.Tx.PIN)
			}
		}}},
		{"last try fails", at(Verifying, func(s *State) { s.Await = Req{Txn: 3, Seq: 1} }),
			PINVerified{Req: Req{Txn: 3, Seq: 1}, Result: VerifyResult{TriesLeft: 0, Blocked: true}},
			[]check{screen(Outcome), func(t *testing.T, s State, _ []Effect) {
				if s.Outcome.Key != OutcomeBlocked || s.Tx.ID != "" {
					t.Errorf("outcome %+v tx %q", s.Outcome, s.Tx.ID)
				}
			}}},
		{"stale timer", at(Terms, func(s *State) { s.TimerGen = 5 }), TimerFired{Gen: 4}, []check{ignored}},
		{"inactivity warns", at(Terms, func(s *State) { s.TimerGen = 5 }), TimerFired{Gen: 5},
			[]check{screen(TimeoutWarning), func(t *testing.T, s State, _ []Effect) {
				if s.Prev != Terms {
					t.Errorf("prev %s", s.Prev)
				}
			}}},
		{"operation timeout aborts", at(LoggingIn, func(s *State) { s.TimerGen = 5; s.Await = Req{Txn: 3, Seq: 2} }), TimerFired{Gen: 5},
			[]check{screen(Outcome), func(t *testing.T, s State, effs []Effect) {
				a := effectsOf[Abort](effs)
				if s.Outcome.Key != OutcomeCenterTimeout || len(a) != 1 || a[0].Txn != 3 || s.Await != (Req{}) {
					t.Errorf("outcome %+v aborts %v await %v", s.Outcome, a, s.Await)
				}
			}}},
		{"stray coin at idle", idle(), MoneyIn{Yen: 100}, []check{screen(Refunding), func(t *testing.T, s State, effs []Effect) {
			p := effectsOf[PayOut](effs)
			if len(p) != 1 || p[0].Amount != 100 || p[0].Purpose != PayRefund || s.Ledger.Pending != 100 {
				t.Errorf("payout %v ledger %+v", p, s.Ledger)
			}
		}}},
		{"printing cannot be cancelled", at(Printing, nil), Tap{Button: BtnCancel}, []check{screen(Printing), func(t *testing.T, s State, effs []Effect) {
			if s.Message != MsgCannotCancel || len(effectsOf[Abort](effs)) != 0 {
				t.Errorf("message %q effects %v", s.Message, effs)
			}
		}}},
		{"menu: issue", loggedIn(), Tap{Button: BtnIssue}, []check{screen(ChooseCertificate)}},
		{"koseki without registration need", loggedIn(), Tap{Button: BtnKoseki}, []check{ignored}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, effs := Step(tc.s, tc.e)
			for _, c := range tc.checks {
				c(t, s, effs)
			}
		})
	}
}

func TestStepPayoutAnswers(t *testing.T) {
	s, _ := Step(idle(), MoneyIn{Yen: 500})
	p := effectsOf[PayOut](func() []Effect { _, e := Step(idle(), MoneyIn{Yen: 500}); return e }())[0]
	t.Run("paid in full", func(t *testing.T) {
		s2, effs := Step(s, PaidOut{Req: p.Req, Purpose: PayRefund, Asked: 500, Paid: 500})
		if s2.Screen != Idle || !s2.Ledger.Balanced() || s2.Ledger.Refunded != 500 || len(effectsOf[OutboxAppend](effs)) != 0 {
			t.Fatalf("screen %s ledger %+v", s2.Screen, s2.Ledger)
		}
	})
	t.Run("paid in part", func(t *testing.T) {
		s2, effs := Step(s, PaidOut{Req: p.Req, Purpose: PayRefund, Asked: 500, Paid: 200})
		recs := effectsOf[OutboxAppend](effs)
		slips := effectsOf[PrintSlip](effs)
		if s2.Screen != Outcome || s2.Outcome.Key != OutcomeRefundOwed || !s2.Ledger.Balanced() || s2.Ledger.Owed != 300 ||
			len(recs) != 1 || recs[0].Record.Amount != 300 || len(slips) != 1 || slips[0].Slip.Amount != 300 {
			t.Fatalf("screen %s outcome %+v ledger %+v recs %v slips %v", s2.Screen, s2.Outcome, s2.Ledger, recs, slips)
		}
	})
	t.Run("unknown answer", func(t *testing.T) {
		s2, effs := Step(s, PaidOut{Req: Req{Txn: 9, Seq: 9}, Purpose: PayRefund, Asked: 500, Paid: 500})
		j := effectsOf[Journal](effs)
		if s2.Ledger != s.Ledger || len(j) != 1 || j[0].Entry.Severity != Alarm {
			t.Fatalf("ledger %+v journal %v", s2.Ledger, j)
		}
	})
	t.Run("duplicate answer", func(t *testing.T) {
		s2, _ := Step(s, PaidOut{Req: p.Req, Purpose: PayRefund, Asked: 500, Paid: 500})
		s3, _ := Step(s2, PaidOut{Req: p.Req, Purpose: PayRefund, Asked: 500, Paid: 500})
		if s3.Ledger.Refunded != 500 || !s3.Ledger.Balanced() {
			t.Fatalf("duplicate counted: %+v", s3.Ledger)
		}
	})
}

// printingState is a paid session about to print copy 2 of 2, with docs as given.
func printingState(docs []VerifiedDocument) State {
	s := loggedIn()
	s.Screen = Printing
	s.Tx.Offer = &s.Tx.Session.Catalog[0]
	s.Tx.Copies = 2
	s.Tx.Issuance = &Issuance{ID: "iss-1", Type: "inkan", FeePerCopy: 200, TotalFee: 400}
	s.Tx.Docs = docs
	s.Ledger = Ledger{Due: 400, In: 400}
	s.Await = Req{Txn: 7, Seq: 20}
	s.Seq = 20
	return s
}

func TestPrintNeedsBindingOfThisSession(t *testing.T) {
	good, _ := loggedIn().Binding()
	other := good
	other.SessionID = "sess-2"
	for _, tc := range []struct {
		name  string
		doc2  VerifiedDocument
		print bool
	}{
		{"bound", VerifiedDocument{ok: true, binding: good}, true},
		{"another session", VerifiedDocument{ok: true, binding: other}, false},
		{"never verified", VerifiedDocument{binding: good}, false},
		{"zero", VerifiedDocument{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := printingState([]VerifiedDocument{{ok: true, binding: good}, tc.doc2})
			s2, effs := Step(s, PrintDone{Req: s.Await})
			prints := effectsOf[Print](effs)
			if tc.print {
				if len(prints) != 1 || s2.Screen != Printing {
					t.Fatalf("prints %d screen %s", len(prints), s2.Screen)
				}
				return
			}
			pay := effectsOf[PayOut](effs)
			if len(prints) != 0 || s2.Screen != Refunding || s2.Outcome.Key != OutcomeDocumentRejected ||
				len(pay) != 1 || pay[0].Amount != 200 || s2.Ledger.Spent != 200 {
				t.Fatalf("prints %d screen %s outcome %+v payouts %v ledger %+v", len(prints), s2.Screen, s2.Outcome, pay, s2.Ledger)
			}
		})
	}
}

func TestDocumentsVerifiedRechecked(t *testing.T) {
	good, _ := loggedIn().Binding()
	s := loggedIn()
	s.Screen = Issuing
	s.Tx.Offer = &s.Tx.Session.Catalog[0]
	s.Tx.Copies = 1
	s.Tx.Issuance = &Issuance{ID: "iss-1", Type: "inkan", FeePerCopy: 200, TotalFee: 200}
	s.Await = Req{Txn: 7, Seq: 3}
	doc := VerifiedDocument{ok: true, binding: good}
	doc.content.IssuanceID, doc.content.Type, doc.content.CopyIndex, doc.content.Copies = "iss-2", "inkan", 1, 1
	s2, effs := Step(s, DocumentsVerified{Req: s.Await, Docs: []VerifiedDocument{doc}})
	if s2.Screen != Outcome || s2.Outcome.Key != OutcomeDocumentRejected || len(effectsOf[AcceptMoney](effs)) != 0 {
		t.Fatalf("a copy of another issuance was accepted: %s %+v", s2.Screen, s2.Outcome)
	}
}

func TestMessageKeysCoverOutcomes(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range MessageKeys() {
		if keys[k] {
			t.Errorf("duplicate key %s", k)
		}
		keys[k] = true
	}
	for _, c := range RefusalCodes {
		o := refusalOutcome(c)
		if !keys[o.Key] || !keys[o.Next] {
			t.Errorf("refusal %s: %+v not in MessageKeys", c, o)
		}
	}
	for s := Screen(0); s < numScreens; s++ {
		if !keys[s.Key()] {
			t.Errorf("screen %s key missing", s)
		}
		if p, ok := ParseScreen(s.String()); !ok || p != s {
			t.Errorf("screen %s does not parse back", s)
		}
	}
}

func TestPINRules(t *testing.T) {
	for _, tc := range []struct {
		kind PINKind
		in   string
		ok   bool
	}{
		{UserAuthPIN, "1234", true}, {UserAuthPIN, "123", false},
		{SignaturePIN, "ABC123", true}, {SignaturePIN, "ABCDEF", false}, {SignaturePIN, "123456", false},
		{SignaturePIN, "A1", false}, {SignaturePIN, "ABCDEFGH12345678", true},
	} {
		p := new(PINBuffer)
		for _, c := range tc.in {
			b, ok := acceptKey(tc.kind, p.Len(), c)
			if !ok {
				t.Fatalf("%q: key %q refused", tc.in, c)
			}
			p.push(b)
		}
		if got := rulesOf(tc.kind, p).OK(); got != tc.ok {
			t.Errorf("%v %q: ok %v, want %v", tc.kind, tc.in, got, tc.ok)
		}
		p.Zero()
		if !p.IsZero() {
			t.Error("Zero left bytes")
		}
	}
	if _, ok := acceptKey(SignaturePIN, 16, 'A'); ok {
		t.Error("17th character accepted")
	}
	if b, ok := acceptKey(SignaturePIN, 0, 'q'); !ok || b != 'Q' {
		t.Error("lower case not upper-cased")
	}
}

func TestActivityRestartsInactivityTimer(t *testing.T) {
	s := idle()
	s.Txn, s.Tx.ID, s.Tx.Service = 1, "k-b-1", ServiceCertificates
	s.Screen, s.Tx.PIN, s.TimerGen = EnterPIN, new(PINBuffer), 4
	s2, effs := Step(s, Key{Key: '1'})
	st := effectsOf[StartTimer](effs)
	if len(st) != 1 || st[0].Gen != 5 || st[0].After != s.Config.Inactivity || s2.TimerGen != 5 {
		t.Fatalf("timer effects %v gen %d", st, s2.TimerGen)
	}
	// A key the screen refuses is not taken as activity either way, but a coin on Pay is.
	p := idle()
	p.Txn, p.Tx.ID, p.Screen, p.TimerGen, p.Ledger.Due = 1, "k-b-1", Pay, 9, 500
	p2, effs := Step(p, MoneyIn{Yen: 100})
	if st := effectsOf[StartTimer](effs); len(st) != 1 || p2.TimerGen != 10 {
		t.Fatalf("coin did not restart the payment timer: %v", st)
	}
}

func TestUnexpectedAnswerAborts(t *testing.T) {
	s := idle()
	s.Txn, s.Tx.ID, s.Tx.Service, s.Screen = 3, "k-b-3", ServiceCertificates, ReadingCard
	s.Await = Req{Txn: 3, Seq: 4}
	s2, effs := Step(s, PrintDone{Req: s.Await})
	j := effectsOf[Journal](effs)
	if s2.Screen != Outcome || s2.Tx.ID != "" || len(j) == 0 || j[0].Entry.Code != "unexpected_answer" {
		t.Fatalf("screen %s journal %v", s2.Screen, j)
	}
}

func TestCardPlacedUnderWarningResumes(t *testing.T) {
	s := idle()
	s.Txn, s.Tx.ID, s.Tx.Service = 3, "k-b-3", ServiceCertificates
	s.Screen, s.Prev = TimeoutWarning, PlaceCard
	s2, effs := Step(s, CardPlaced{})
	if s2.Screen != ReadingCard || len(effectsOf[ReadCard](effs)) != 1 {
		t.Fatalf("screen %s effects %v", s2.Screen, effs)
	}
}
