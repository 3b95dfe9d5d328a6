package kiosk

import (
	"fmt"
	"time"
)

// reset is the PIN reset (domain.md §5) after login with the PIN the resident still knows: the
// reservation → the new PIN with live rule feedback → the same PIN again → card challenge →
// center's one-time command → relayed to the card with the new PIN → result through the outbox.
// ServiceResetSignaturePIN logs in with the 4-digit PIN and resets the signature PIN;
// ServiceResetUserPIN is the mirror. The card stays on the reader until ResetDone.
func (m *machine) reset(e Event) bool {
	s := &m.s
	t := &s.Tx
	kind := t.Service.reset()
	switch s.Screen {
	case ResetReservation:
		if tap, ok := e.(Tap); ok && tap.Button == BtnNext {
			t.NewPIN = new(PINBuffer)
			t.Rules = rulesOf(kind, t.NewPIN)
			m.goTo(ResetNewPIN)
			return true
		}

	case ResetNewPIN:
		k, ok := e.(Key)
		if !ok {
			return false
		}
		if k.Key != KeyEnter {
			changed := m.typeKey(t.NewPIN, kind, k)
			t.Rules = rulesOf(kind, t.NewPIN)
			return changed
		}
		if !t.Rules.OK() {
			s.Message = MsgPINRules
			m.emit(Cue{Key: CueError})
			return true
		}
		t.Again = new(PINBuffer)
		m.goTo(ResetConfirmPIN)
		return true

	case ResetConfirmPIN:
		switch e := e.(type) {
		case Tap:
			if e.Button == BtnBack {
				t.Again.Zero()
				t.Again = nil
				m.goTo(ResetNewPIN)
				return true
			}
		case Key:
			if e.Key != KeyEnter {
				return m.typeKey(t.Again, kind, e)
			}
			same := t.Again.equal(t.NewPIN)
			t.Again.Zero()
			t.Again = nil
			if !same {
				t.NewPIN.Zero()
				t.Rules = rulesOf(kind, t.NewPIN)
				m.goTo(ResetNewPIN)
				s.Message = MsgPINMismatch
				m.emit(Cue{Key: CueError})
				return true
			}
			m.goTo(Resetting)
			m.emit(GetResetChallenge{Req: m.req()})
			return true
		}

	case Resetting:
		switch e := e.(type) {
		case ResetChallengeRead:
			res := t.Session.Reservation
			m.emit(AuthorizeReset{Req: m.req(), SessionID: t.Session.ID, ReservationID: res.ID,
				PIN: kind, CardChallenge: e.Challenge})
		case ResetAuthorized:
			t.ResetCommand = e.Command
			buf := t.NewPIN
			t.NewPIN = nil
			m.emit(ApplyReset{Req: m.req(), PIN: kind, Command: e.Command, NewPIN: buf})
		case ResetApplied:
			m.record(Record{Kind: RecordPINReset, ResetID: t.ResetCommand.ID, OK: e.OK, SW: e.SW})
			t.ResetCommand = ResetCommand{}
			if !e.OK {
				m.journal(Alarm, "pin_reset_failed", e.SW)
				m.end(OutcomeInfo{Key: OutcomeResetFailed, Next: NextAskStaff}, "reset_failed_"+e.SW)
				return true
			}
			m.journal(Info, "pin_reset", kind.String())
			m.goTo(ResetDone)
			m.emit(Cue{Key: CueTakeCard})
		case Refused:
			m.journal(Info, "refused", e.Code)
			m.end(refusalOutcome(e.Code), "refused_"+e.Code)
		case Failed:
			m.failed(e.Cause)
		default:
			return false
		}
		return true

	case ResetDone:
		switch e := e.(type) {
		case CardRemoved:
			m.finish()
			return true
		case Tap:
			if e.Button == BtnDone {
				m.finish()
				return true
			}
		}
	}
	return false
}

// checkReservation looks at the reservation the center found for this login: it must exist, be
// for the PIN this service resets, and not have expired (valid 24 hours, domain.md §5).
func (m *machine) checkReservation(at time.Time) {
	t := &m.s.Tx
	r := t.Session.Reservation
	switch {
	case r == nil || r.PIN != t.Service.reset():
		m.end(refusalOutcome("reservation_not_found"), "reservation_not_found")
	case !r.Expires.IsZero() && !at.Before(r.Expires):
		m.end(refusalOutcome("reservation_expired"), "reservation_expired")
	default:
		m.journal(Info, "reservation", fmt.Sprint(t.Service))
		m.goTo(ResetReservation)
	}
}
