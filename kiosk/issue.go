package kiosk

import (
	"fmt"
	"slices"
)

// issue is the certificate flow after login (domain.md §3 steps 4–5): menu → certificate →
// options → members → copies → confirm with the fee → the center issues → the kiosk verifies
// every envelope's signature and binding → payment → print each copy, re-checking its binding →
// take your certificates → receipt. Also the 戸籍 use registration from the menu.
func (m *machine) issue(e Event) bool {
	s := &m.s
	t := &s.Tx
	tap, isTap := e.(Tap)
	switch s.Screen {
	case Menu:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnIssue:
			m.goTo(ChooseCertificate)
			return true
		case BtnKoseki:
			if !t.Session.KosekiRegistration {
				return false
			}
			m.goTo(KosekiConfirm)
			return true
		}

	case ChooseCertificate:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnChooseType:
			i := slices.IndexFunc(t.Session.Catalog, func(o Offer) bool { return o.Type == tap.Arg })
			if i < 0 {
				return false
			}
			o := t.Session.Catalog[i]
			if !o.Available {
				s.Message = refusalOutcome(o.Refusal).Key
				m.emit(Cue{Key: CueError})
				return true
			}
			t.Offer = &o
			t.Options = nil
			t.Members = nil
			for _, mb := range t.Session.Members {
				if mb.Self {
					t.Members = []string{mb.ID}
				}
			}
			t.Copies = 1
			if len(o.Options) > 0 {
				m.goTo(ChooseOptions)
			} else {
				m.afterOptions()
			}
			return true
		case BtnBack:
			m.goTo(Menu)
			return true
		}

	case ChooseOptions:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnToggleOption:
			if !slices.Contains(t.Offer.Options, tap.Arg) {
				return false // only what the municipality allows for this type and resident
			}
			t.Options = toggle(t.Options, tap.Arg)
			return true
		case BtnNext:
			m.afterOptions()
			return true
		case BtnBack:
			m.goTo(ChooseCertificate)
			return true
		}

	case ChooseMembers:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnToggleMember:
			if !slices.ContainsFunc(t.Session.Members, func(mb Member) bool { return mb.ID == tap.Arg }) {
				return false
			}
			t.Members = toggle(t.Members, tap.Arg)
			return true
		case BtnNext:
			if len(t.Members) == 0 {
				s.Message = MsgNoMember
				m.emit(Cue{Key: CueError})
				return true
			}
			m.goTo(ChooseCopies)
			return true
		case BtnBack:
			m.backFromMembers()
			return true
		}

	case ChooseCopies:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnMore:
			if t.Copies < maxCopies(t.Offer) {
				t.Copies++
			}
			return true
		case BtnLess:
			if t.Copies > 1 {
				t.Copies--
			}
			return true
		case BtnNext:
			m.goTo(Confirm)
			return true
		case BtnBack:
			if choosesMembers(t) {
				m.goTo(ChooseMembers)
			} else {
				m.backFromMembers()
			}
			return true
		}

	case Confirm:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnConfirm:
			m.goTo(Issuing)
			r := m.req()
			members := t.Members
			if !t.Offer.PerPerson {
				members = nil
			}
			m.emit(Issue{Req: r, Request: IssueRequest{
				SessionID:      t.Session.ID,
				IdempotencyKey: fmt.Sprintf("%s:issue:%d", t.ID, r.Seq),
				Type:           t.Offer.Type,
				Options:        slices.Clone(t.Options),
				Members:        slices.Clone(members),
				Copies:         t.Copies,
			}})
			return true
		case BtnBack:
			m.goTo(ChooseCopies)
			return true
		}

	case Issuing:
		switch e := e.(type) {
		case Issued:
			m.issued(e.Issuance)
		case DocumentsVerified:
			m.documentsVerified(e.Docs)
		case DocumentsRejected:
			m.rejectDocuments(e.Reason)
		case Refused:
			m.journal(Info, "refused", e.Code)
			if e.Code == "session_expired" {
				m.end(refusalOutcome(e.Code), "refused_"+e.Code)
				return true
			}
			// The resident may choose something else.
			m.goTo(ChooseCertificate)
			s.Message = refusalOutcome(e.Code).Key
			m.emit(Cue{Key: CueError})
		case Failed:
			m.failed(e.Cause)
		default:
			return false
		}
		return true

	case Pay:
		// Money is handled in machine.go, and timeouts there too.
		if isTap && tap.Button == BtnBack {
			return m.cancel()
		}

	case Printing:
		switch e := e.(type) {
		case PrintDone:
			t.Printed++
			s.Ledger.Spent += t.Issuance.FeePerCopy
			s.Totals.Spent += t.Issuance.FeePerCopy
			m.journal(Info, "printed", fmt.Sprintf("%s %d/%d", t.Issuance.ID, t.Printed, len(t.Docs)))
			if t.Printed < len(t.Docs) {
				m.restartTimer()
				m.printNext()
				return true
			}
			m.record(Record{Kind: RecordCompletion, IssuanceID: t.Issuance.ID, Type: t.Issuance.Type,
				Copies: len(t.Docs), Printed: t.Printed, Amount: s.Ledger.Spent})
			t.Docs = nil // the kiosk keeps no certificate data after printing
			t.Issuance.Envelopes = nil
			m.goTo(TakeCertificates)
			m.emit(Cue{Key: CueTakeCertificates})
		case PrintFault:
			if e.Fault == "paper_out" {
				s.Flags |= FlagPaperOut
			} else {
				s.Flags |= FlagPrinterFault
			}
			m.journal(Alarm, "print_fault", e.Fault)
			m.abort(OutcomeInfo{Key: OutcomePrinterFault, Next: NextAskStaff}, "printer_"+e.Fault, Outcome)
		default:
			return false
		}
		return true

	case TakeCertificates:
		if isTap && (tap.Button == BtnDone || tap.Button == BtnNext) {
			m.goTo(Receipt)
			return true
		}

	case Receipt:
		switch e := e.(type) {
		case Tap:
			switch e.Button {
			case BtnReceipt:
				if t.SlipAsked {
					return false
				}
				t.SlipAsked = true
				m.emit(PrintSlip{Req: m.req(), Slip: Slip{Kind: SlipReceipt, Ref: t.ID,
					IssuanceID: t.Issuance.ID, Type: t.Issuance.Type, Copies: t.Printed, Amount: s.Ledger.Spent}})
				return true
			case BtnNoReceipt, BtnDone:
				m.finish()
				return true
			}
		case SlipPrinted, Failed:
			m.finish()
			return true
		}

	case KosekiConfirm:
		if !isTap {
			return false
		}
		switch tap.Button {
		case BtnConfirm:
			m.goTo(RegisteringKoseki)
			m.emit(RegisterKoseki{Req: m.req(), SessionID: t.Session.ID})
			return true
		case BtnBack:
			m.goTo(Menu)
			return true
		}

	case RegisteringKoseki:
		switch e := e.(type) {
		case KosekiRegistered:
			if e.Catalog != nil {
				t.Session.Catalog = e.Catalog
			}
			t.Session.KosekiRegistration = false
			m.journal(Info, "koseki_registered", "")
			m.goTo(Menu)
			s.Message = MsgKosekiRegistered
		case Refused:
			m.journal(Info, "refused", e.Code)
			m.goTo(Menu)
			s.Message = refusalOutcome(e.Code).Key
			m.emit(Cue{Key: CueError})
		case Failed:
			m.failed(e.Cause)
		default:
			return false
		}
		return true
	}
	return false
}

func toggle(list []string, v string) []string {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(slices.Clone(list), i, i+1)
	}
	return append(slices.Clip(list), v)
}

func maxCopies(o *Offer) int {
	if o.MaxCopies > 0 {
		return o.MaxCopies
	}
	return 10
}

func choosesMembers(t *Transaction) bool {
	return t.Offer.PerPerson && len(t.Session.Members) > 1
}

func (m *machine) afterOptions() {
	if choosesMembers(&m.s.Tx) {
		m.goTo(ChooseMembers)
		return
	}
	m.goTo(ChooseCopies)
}

func (m *machine) backFromMembers() {
	if len(m.s.Tx.Offer.Options) > 0 {
		m.goTo(ChooseOptions)
		return
	}
	m.goTo(ChooseCertificate)
}

// issued checks that the center answered what was asked, then has every envelope verified.
func (m *machine) issued(iss Issuance) {
	t := &m.s.Tx
	t.Issuance = &iss
	m.journal(Info, "issued", iss.ID)
	if iss.ID == "" || iss.Type != t.Offer.Type || len(iss.Envelopes) != t.Copies ||
		iss.FeePerCopy != t.Offer.Fee || iss.TotalFee != iss.FeePerCopy*t.Copies {
		m.journal(Alarm, "issuance_mismatch", iss.ID)
		m.abort(OutcomeInfo{Key: OutcomeCenterError, Next: NextTryLater}, "issuance_mismatch", Outcome)
		return
	}
	b, _ := m.s.binding()
	m.emit(VerifyDocuments{Req: m.req(), Envelopes: slices.Clone(iss.Envelopes), Binding: b})
}

// documentsVerified accepts the verified copies only if each is bound to this session and is the
// copy of this issuance it claims to be; then payment starts.
func (m *machine) documentsVerified(docs []VerifiedDocument) {
	s := &m.s
	t := &s.Tx
	b, ok := s.binding()
	if !ok || len(docs) != t.Copies {
		m.rejectDocuments(fmt.Sprintf("%d documents for %d copies", len(docs), t.Copies))
		return
	}
	for i, d := range docs {
		c := d.content
		if !d.BoundTo(b) || c.IssuanceID != t.Issuance.ID || c.Type != t.Offer.Type ||
			c.CopyIndex != i+1 || c.Copies != t.Copies {
			m.rejectDocuments(fmt.Sprintf("copy %d does not match this session or issuance", i+1))
			return
		}
	}
	t.Docs = docs
	m.journal(Info, "documents_verified", t.Issuance.ID)
	s.Ledger.Due = t.Issuance.TotalFee
	m.goTo(Pay)
	s.Message = MsgInsertMoney
	m.emit(AcceptMoney{Due: s.Ledger.Due})
	m.checkPaid()
}

// rejectDocuments is a detected mismatch: never dismissed. No page is printed, the issuance is
// voided, the money (if any) refunded, the event journaled as an alarm and reported to the center.
func (m *machine) rejectDocuments(reason string) {
	t := &m.s.Tx
	id := ""
	if t.Issuance != nil {
		id = t.Issuance.ID
	}
	m.journal(Alarm, "binding_mismatch", id+": "+reason)
	m.record(Record{Kind: RecordBindingMismatch, IssuanceID: id, Reason: "binding_mismatch"})
	m.abort(OutcomeInfo{Key: OutcomeDocumentRejected, Next: NextAskStaff}, "binding_mismatch", Outcome)
}

// checkPaid starts printing once the fee is in; what is over the fee goes back as change.
func (m *machine) checkPaid() {
	s := &m.s
	if s.Screen != Pay || s.Ledger.Held() < s.Ledger.Due {
		return
	}
	m.emit(StopMoney{})
	if change := s.Ledger.Held() - s.Ledger.Due; change > 0 {
		m.payOut(PayChange, change)
	}
	m.journal(Info, "paid", fmt.Sprint(s.Ledger.Due))
	m.goTo(Printing)
	m.printNext()
}

// printNext prints the next copy, after checking once more that it is bound to the session on
// screen: the one check that stands between any bug elsewhere and another person's document.
func (m *machine) printNext() {
	s := &m.s
	t := &s.Tx
	d := t.Docs[t.Printed]
	b, ok := s.binding()
	if !ok || !d.BoundTo(b) {
		m.rejectDocuments(fmt.Sprintf("copy %d not bound at print time", t.Printed+1))
		return
	}
	m.emit(Print{Req: m.req(), Doc: d})
}
