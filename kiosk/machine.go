package kiosk

import (
	"fmt"
	"slices"
	"strings"
)

// Step is the machine: the new state and the effects to perform for event e in state s. It does
// no I/O and reads no clock. The PIN buffers in s are the one thing it changes in place (see
// PINBuffer): do not reuse s after the call.
func Step(s State, e Event) (State, []Effect) {
	m := &machine{s: s}
	gen := s.TimerGen
	if m.step(e) {
		// The resident doing something on a screen that waits for them restarts its clock.
		if k := m.s.Screen.timer(); activity(e) && m.s.TimerGen == gen && (k == inactivity || k == technician) {
			m.restartTimer()
		}
		m.emit(Render{View: m.s.View()})
	}
	return m.s, m.out
}

// activity reports whether e is the resident acting.
func activity(e Event) bool {
	switch e.(type) {
	case Tap, Key, MoneyIn:
		return true
	}
	return false
}

type machine struct {
	s   State
	out []Effect
}

func (m *machine) emit(e ...Effect) { m.out = append(m.out, e...) }

// step handles what every state handles the same way, then hands the event to the flow of the
// current screen. It reports whether the screen may have changed.
func (m *machine) step(e Event) bool {
	s := &m.s
	// Any sign of the resident under a timeout warning resumes the screen it interrupted.
	if s.Screen == TimeoutWarning && resumes(e) {
		m.goTo(s.Prev)
		if t, ok := e.(Tap); ok && t.Button == BtnContinue {
			return true
		}
	}
	ev := e
	switch e := e.(type) {
	case MoneyIn:
		m.moneyIn(e.Yen)
		return true
	case PaidOut:
		return m.paidOut(e)
	case TechnicianKey:
		return m.technicianKey(e.On)
	case RemoteMaintenance:
		return m.remote(e.Action)
	case TrayChanged:
		return m.tray(e.Occupied)
	case ServiceChanged:
		if e.On {
			s.Flags |= e.Flag
		} else {
			s.Flags &^= e.Flag
		}
		m.journal(Warn, "service_flags", fmt.Sprintf("%#x", s.Flags))
		m.showService()
		return true
	case CardPlaced:
		s.CardPresent = true
	case CardRemoved:
		s.CardPresent = false
		if m.cardNeeded() {
			m.abort(OutcomeInfo{Key: OutcomeCardRemoved, Next: NextTryAgain}, "card_removed", Outcome)
			return true
		}
	case TimerFired:
		if e.Gen != s.TimerGen {
			return false
		}
		m.timeout()
		return true
	case Tap:
		if e.Button == BtnCancel {
			return m.cancel()
		}
	case answer:
		if r := e.request(); r != s.Await || r == (Req{}) {
			m.journal(Warn, "stale_answer", fmt.Sprintf("%T txn %d seq %d", e, r.Txn, r.Seq))
			return false
		}
		s.Await = Req{}
		if !m.flow(ev) {
			// The awaited answer is of a kind this screen cannot take: a port adapter bug. The
			// transaction cannot go on safely.
			m.journal(Alarm, "unexpected_answer", fmt.Sprintf("%T on %s", e, s.Screen))
			m.abort(OutcomeInfo{Key: OutcomeCardError, Next: NextAskStaff}, "unexpected_answer", Outcome)
		}
		return true
	}
	return m.flow(e)
}

// flow hands e to the flow of the current screen.
func (m *machine) flow(e Event) bool {
	s := &m.s
	if t, ok := e.(Tap); ok && t.Button == BtnStaff && (s.Screen == Idle || s.Screen == OutOfService) {
		return m.staff()
	}
	switch s.Screen {
	case Idle, ChooseLanguage, Terms, ChooseService, PlaceCard, ReadingCard, EnterPIN, ConfirmLastTry,
		Verifying, LoggingIn, TakeCardBack:
		return m.login(e)
	case Menu, ChooseCertificate, ChooseOptions, ChooseMembers, ChooseCopies, Confirm, Issuing, Pay,
		Printing, TakeCertificates, Receipt, KosekiConfirm, RegisteringKoseki:
		return m.issue(e)
	case ResetReservation, ResetNewPIN, ResetConfirmPIN, Resetting, ResetDone:
		return m.reset(e)
	case TechnicianLogin, Maintenance:
		return m.maintenance(e)
	case Outcome:
		if t, ok := e.(Tap); ok && (t.Button == BtnDone || t.Button == BtnNext) {
			m.toIdle()
			return true
		}
	}
	return false
}

// showService moves between the attract and the out-of-service screen after the flags changed;
// any other screen keeps its session, which finishes first.
func (m *machine) showService() {
	s := &m.s
	switch {
	case s.Screen == Idle && s.Flags != 0:
		m.goTo(OutOfService)
	case s.Screen == OutOfService && s.Flags == 0:
		m.goTo(Idle)
	}
}

// maxTrayReminders is how often "take your certificates" is said again while they lie in the tray.
const maxTrayReminders = 2

// tray is the output-tray sensor changing. Sheets taken on "take your certificates" go on to
// the receipt question; a tray emptied after a session puts the kiosk back in service.
func (m *machine) tray(occupied bool) bool {
	s := &m.s
	s.TrayFull = occupied
	if occupied {
		return false
	}
	if s.Flags&FlagTrayNotEmpty != 0 {
		s.Flags &^= FlagTrayNotEmpty
		m.journal(Info, "tray_emptied", "")
		m.showService()
		return true
	}
	if s.Screen == TakeCertificates {
		m.goTo(Receipt)
		return true
	}
	return false
}

// resumes reports whether e shows the resident is still there.
func resumes(e Event) bool {
	switch e := e.(type) {
	case Tap:
		return e.Button != BtnCancel
	case Key, MoneyIn, CardPlaced, CardRemoved:
		return true
	}
	return false
}

// cardNeeded reports whether the card must stay on the reader on this screen: from reading it
// until login (certificates) or until the reset is done (PIN reset).
func (m *machine) cardNeeded() bool {
	sc := m.s.Screen
	if sc == TimeoutWarning {
		sc = m.s.Prev
	}
	switch sc {
	case ReadingCard, EnterPIN, ConfirmLastTry, Verifying, LoggingIn,
		ResetReservation, ResetNewPIN, ResetConfirmPIN, Resetting:
		return true
	}
	return false
}

// goTo enters screen sc: clears the inline message, (re)starts the screen's timer and speaks its
// title.
func (m *machine) goTo(sc Screen) {
	s := &m.s
	if sc != s.Screen {
		m.emit(Cue{Key: sc.Key()})
	}
	s.Screen = sc
	s.Message = ""
	m.restartTimer()
}

func (m *machine) restartTimer() {
	s := &m.s
	c := s.Config
	var d = c.Inactivity
	switch s.Screen.timer() {
	case noTimer:
		m.emit(CancelTimer{})
		s.TimerGen++
		return
	case operation:
		d = c.Operation
	case printWait:
		d = c.PrintCopy
	case hold:
		d = c.Hold
	case warningWait:
		d = c.Warning
	case technician:
		if s.Screen == Maintenance {
			d = c.MaintenanceIdle
		}
	}
	s.TimerGen++
	m.emit(StartTimer{Gen: s.TimerGen, After: d})
}

// timeout is the screen's timer running out.
func (m *machine) timeout() {
	s := &m.s
	switch s.Screen.timer() {
	case inactivity:
		s.Prev = s.Screen
		m.goTo(TimeoutWarning)
		m.emit(Cue{Key: CueWarning})
	case warningWait:
		m.abort(OutcomeInfo{Key: OutcomeTimeout, Next: NextTryAgain}, "timeout", Outcome)
	case operation:
		o := OutcomeInfo{Key: OutcomeTimeout, Next: NextTryAgain}
		switch s.Screen {
		case LoggingIn, Issuing, RegisteringKoseki:
			o = OutcomeInfo{Key: OutcomeCenterTimeout, Next: NextTryLater}
		}
		m.abort(o, "timeout_"+s.Screen.String(), Outcome)
	case printWait:
		s.Flags |= FlagPrinterFault
		m.abort(OutcomeInfo{Key: OutcomePrinterFault, Next: NextAskStaff}, "print_timeout", Outcome)
	case hold:
		if s.Screen == TakeCertificates && s.TrayFull && s.Tx.TrayReminders < maxTrayReminders {
			// The certificates are still in the tray: say it again before giving up on them.
			s.Tx.TrayReminders++
			m.emit(Cue{Key: CueTakeCertificates})
			m.restartTimer()
			return
		}
		m.finish()
	case technician:
		m.maintTimeout()
	}
}

// cancel is the resident's cancel button.
func (m *machine) cancel() bool {
	s := &m.s
	switch s.Screen {
	case Idle, OutOfService, Maintenance, Refunding:
		return false
	case TechnicianLogin:
		m.leaveLogin()
		return true
	case Printing, Resetting:
		// A copy being printed is paid for and a card being written must not be interrupted.
		s.Message = MsgCannotCancel
		m.emit(Cue{Key: CueError})
		return true
	case TakeCertificates, Receipt, ResetDone, Outcome, Menu:
		m.finish()
		return true
	}
	m.abort(OutcomeInfo{Key: OutcomeCancelled, Next: NextNone}, "cancelled", Outcome)
	return true
}

// txnID is the collision-free id of the current transaction.
func (m *machine) txnID() string {
	return fmt.Sprintf("%s-%s-%d", m.s.Config.KioskID, m.s.Boot, m.s.Txn)
}

// req starts a request the machine then waits for.
func (m *machine) req() Req {
	s := &m.s
	s.Seq++
	s.Await = Req{Txn: s.Txn, Seq: s.Seq}
	return s.Await
}

func (m *machine) journal(sev Severity, code, detail string) {
	txn := ""
	if m.s.Tx.ID != "" {
		txn = m.s.Tx.ID
	}
	m.emit(Journal{Entry: JournalEntry{Severity: sev, Code: code, Txn: txn, Screen: m.s.Screen, Detail: detail}})
}

func (m *machine) record(r Record) {
	s := &m.s
	s.Seq++
	r.Txn = m.txnID()
	r.Key = fmt.Sprintf("%s:%s:%d", r.Txn, r.Kind, s.Seq)
	m.emit(OutboxAppend{Record: r})
}

// startTx begins a transaction: a new id; the ledger starts empty (it is balanced at Idle).
func (m *machine) startTx() {
	s := &m.s
	s.Txn++
	s.Ledger = Ledger{}
	s.Tx = Transaction{}
	s.Tx.ID = m.txnID()
	s.Outcome = OutcomeInfo{}
	m.journal(Info, "session_start", "")
}

// endTx drops everything personal and zeroes the PINs; a logged-in center session is logged out.
func (m *machine) endTx() {
	s := &m.s
	t := &s.Tx
	if t.Session != nil {
		m.emit(Logout{SessionID: t.Session.ID})
	}
	t.PIN.Zero()
	t.NewPIN.Zero()
	t.Again.Zero()
	s.Tx = Transaction{}
	s.Await = Req{}
}

// abort ends the whole transaction, never a part of it: outstanding requests are cancelled (their
// answers will not match), the printer stopped, the issuance voided, the money refunded, the PIN
// zeroed, the personal data dropped; then the outcome is shown.
func (m *machine) abort(o OutcomeInfo, reason string, then Screen) {
	s := &m.s
	t := &s.Tx
	m.emit(Abort{Txn: s.Txn})
	switch s.Screen {
	case Pay:
		m.emit(StopMoney{})
	case Printing:
		m.emit(CancelPrint{})
	}
	if s.Screen == TimeoutWarning && s.Prev == Pay {
		m.emit(StopMoney{})
	}
	issuance := ""
	if t.Issuance != nil {
		issuance = t.Issuance.ID
		m.record(Record{Kind: RecordVoid, IssuanceID: issuance, Type: t.Issuance.Type,
			Copies: len(t.Issuance.Envelopes), Printed: t.Printed, Reason: reason})
	}
	if t.ResetCommand.ID != "" && s.Screen == Resetting {
		// The card may or may not have taken the command: the center must find out.
		m.record(Record{Kind: RecordPINReset, ResetID: t.ResetCommand.ID, Reason: reason})
	}
	m.journal(Warn, "abort", reason)
	m.endTx()
	s.Outcome = o
	m.settle(then, issuance)
}

// finish ends a transaction that went as planned.
func (m *machine) finish() {
	m.journal(Info, "session_end", "")
	m.endTx()
	m.settle(Idle, "")
}

// settle gives back what the transaction still holds, then goes to then.
func (m *machine) settle(then Screen, issuance string) {
	s := &m.s
	if held := s.Ledger.Held(); held > 0 {
		if issuance != "" {
			m.record(Record{Kind: RecordRefund, IssuanceID: issuance, Amount: held})
		}
		m.payOut(PayRefund, held)
	}
	if s.Ledger.Pending > 0 {
		s.After = then
		m.goTo(Refunding)
		return
	}
	m.enterAfter(then)
}

func (m *machine) enterAfter(then Screen) {
	switch then {
	case Idle:
		m.toIdle()
	default:
		m.goTo(then)
	}
}

// toIdle is the attract screen, or out of service while a reason is raised.
func (m *machine) toIdle() {
	s := &m.s
	if s.Tx.ID != "" {
		m.endTx()
	}
	s.Outcome = OutcomeInfo{}
	s.Language = defaultLanguage(s.Config)
	s.Prev = Idle
	if s.TrayFull && s.Flags&FlagTrayNotEmpty == 0 {
		// Somebody's certificates lie in the tray: no new session may start until they are
		// gone, so nobody takes them for their own.
		s.Flags |= FlagTrayNotEmpty
		m.journal(Alarm, "certificates_left_in_tray", "")
	}
	if s.Maint.Pending {
		// The key was turned while the resident was here: now they are gone.
		m.enterMaintenance("key")
		return
	}
	if s.Flags != 0 {
		m.goTo(OutOfService)
		return
	}
	m.goTo(Idle)
}

// payOut asks the cashbox to give amount back; the answer is taken whatever happens meanwhile.
func (m *machine) payOut(p PayPurpose, amount int) {
	s := &m.s
	s.Seq++
	r := Req{Txn: s.Txn, Seq: s.Seq}
	s.Ledger.Pending += amount
	s.Payouts = append(slices.Clip(s.Payouts), r)
	m.emit(PayOut{Req: r, Purpose: p, Amount: amount})
	if p == PayChange {
		m.emit(Cue{Key: CueTakeMoney})
	}
}

// moneyIn takes a coin or bill. Outside payment it goes straight back.
func (m *machine) moneyIn(yen int) {
	s := &m.s
	if yen <= 0 {
		return
	}
	s.Ledger.In += yen
	s.Totals.In += yen
	if s.Screen == Pay {
		m.checkPaid()
		return
	}
	m.journal(Warn, "money_outside_payment", fmt.Sprint(yen))
	m.payOut(PayRefund, yen)
	if s.Screen == TechnicianLogin {
		m.leaveLogin() // a resident's coin, not a technician's: back to the attract screen
	}
	switch s.Screen {
	case Idle, OutOfService, Outcome:
		// No transaction holds the money: show it going back, then return here.
		s.After = s.Screen
		m.goTo(Refunding)
	}
	// On the maintenance screens the technician sees the coin come back; the screen stays, and
	// leaving it waits for the payout (leaveMaintenance).
}

// paidOut takes the cashbox's answer to a payout. What it could not pay is owed: an outbox record
// and a slip, so the resident can claim it.
func (m *machine) paidOut(e PaidOut) bool {
	s := &m.s
	i := slices.Index(s.Payouts, e.Req)
	if i < 0 {
		m.journal(Alarm, "unknown_payout_answer", fmt.Sprintf("txn %d seq %d", e.Txn, e.Seq))
		return false
	}
	s.Payouts = slices.Delete(slices.Clone(s.Payouts), i, i+1)
	paid := min(max(e.Paid, 0), e.Asked)
	s.Ledger.Pending -= e.Asked
	if e.Purpose == PayChange {
		s.Ledger.Change += paid
		s.Totals.Change += paid
	} else {
		s.Ledger.Refunded += paid
		s.Totals.Refunded += paid
	}
	if owed := e.Asked - paid; owed > 0 {
		s.Ledger.Owed += owed
		s.Totals.Owed += owed
		m.record(Record{Kind: RecordRefundOwed, Amount: owed, Reason: e.Purpose.String()})
		m.emit(PrintSlip{Slip: Slip{Kind: SlipRefundOwed, Ref: m.txnID(), Amount: owed}})
		m.journal(Alarm, "refund_owed", strings.TrimSpace(fmt.Sprint(owed, " ", e.Problem)))
		s.Outcome = OutcomeInfo{Key: OutcomeRefundOwed, Next: NextRefundSlip}
		if s.Screen == Refunding {
			s.After = Outcome
		}
	}
	if s.Screen == Refunding && s.Ledger.Pending == 0 && s.Ledger.Held() == 0 {
		after := s.After
		if after == Outcome && s.Outcome.Key == "" {
			s.Outcome = OutcomeInfo{Key: OutcomeMoneyReturned, Next: NextNone}
		}
		m.enterAfter(after)
	}
	return true
}
