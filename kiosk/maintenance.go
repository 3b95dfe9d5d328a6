package kiosk

import (
	"fmt"
	"time"
)

// maintenance is the technician's flow (issue: field technicians and hardware vendors):
//
//	maintenance key on ─────────────────────────────┐
//	Idle/OutOfService → staff button → TechnicianLogin (credential, attempts limited) → Maintenance
//	Maintenance: status · journal · send outbox now · test page · reader test · configuration ·
//	             out of service on/off · exit (or key off) → Idle / OutOfService
//
// Maintenance never starts while a resident's transaction is open: a key turned mid-session is
// remembered and takes effect when the session has ended (the resident is not cut off, and the
// money of the session is settled first). Every entry, refusal, lock-out and exit is journaled.
// What the screens show comes from the Maintainer port as a MaintReport of codes and figures:
// no personal data exists outside a transaction, so none can reach these screens.
func (m *machine) maintenance(e Event) bool {
	s := &m.s
	mt := &s.Maint
	switch s.Screen {
	case TechnicianLogin:
		switch e := e.(type) {
		case Key:
			return m.credentialKey(e)
		case Tap:
			if e.Button == BtnBack {
				m.leaveLogin()
				return true
			}
		case CredentialChecked:
			return m.credentialChecked(e)
		}

	case Maintenance:
		switch e := e.(type) {
		case Tap:
			if e.Button != BtnMaint {
				return false
			}
			switch a := MaintAction(e.Arg); a {
			case MaintExit:
				m.leaveMaintenance("exit")
				return true
			case MaintServiceOff:
				if s.Flags&FlagTechnician != 0 {
					return false
				}
				s.Flags |= FlagTechnician
				m.journal(Warn, "maintenance_service_off", "")
				return true
			case MaintServiceOn:
				// The technician vouches for what they repaired; a fault that is still there
				// is raised again by its device. A full outbox and a failed self-test are
				// cleared only by their own cause going away.
				cleared := s.Flags & RepairableFlags
				if cleared == 0 {
					return false
				}
				s.Flags &^= cleared
				m.journal(Warn, "maintenance_service_on", fmt.Sprintf("%#x", cleared))
				return true
			default:
				if !a.valid() || mt.Busy {
					return false
				}
				mt.Page, mt.Busy, mt.Report = a, true, nil
				m.journal(Info, "maintenance_action", string(a))
				m.emit(Maintain{Req: m.req(), Action: a})
				m.restartTimer()
				return true
			}
		case Maintained:
			if e.Action != mt.Page {
				return false
			}
			mt.Busy = false
			r := e.Report
			mt.Report = &r
			if r.Err != "" {
				m.journal(Warn, "maintenance_action_failed", string(e.Action))
			}
			return true
		}
	}
	return false
}

// remote is a technician's action from kioskctl. Taking the kiosk out of service takes effect
// at the attract screen: a resident mid-session finishes first.
func (m *machine) remote(a MaintAction) bool {
	s := &m.s
	m.journal(Warn, "maintenance_remote", string(a))
	switch a {
	case MaintServiceOff:
		s.Flags |= FlagTechnician
	case MaintServiceOn:
		s.Flags &^= RepairableFlags
	default:
		return false
	}
	m.showService()
	return true
}

// technicianKey is the maintenance key turned on or off.
func (m *machine) technicianKey(on bool) bool {
	s := &m.s
	mt := &s.Maint
	mt.KeyOn = on
	if !on {
		if mt.Pending {
			mt.Pending = false
			m.journal(Info, "maintenance_cancelled", "key")
			return false
		}
		if s.Screen == Maintenance {
			m.leaveMaintenance("key")
			return true
		}
		return false
	}
	switch {
	case s.Screen == Maintenance:
		return false
	case s.Screen == TechnicianLogin:
		m.leaveLogin()
		m.enterMaintenance("key")
		return true
	case s.Tx.ID != "" || s.Screen == Refunding || s.Screen == Outcome:
		// A resident is at the kiosk, or money of theirs is on its way back: wait.
		mt.Pending = true
		m.journal(Warn, "maintenance_deferred", s.Screen.String())
		return false
	}
	m.enterMaintenance("key")
	return true
}

// staff is the staff button on the attract and out-of-service screens: the credential keypad.
func (m *machine) staff() bool {
	s := &m.s
	if s.Tx.ID != "" || len(s.Payouts) > 0 {
		return false
	}
	s.Maint.Cred = &PINBuffer{}
	m.goTo(TechnicianLogin)
	return true
}

func (m *machine) credentialKey(k Key) bool {
	s := &m.s
	mt := &s.Maint
	if s.Await != (Req{}) {
		return false // a check is under way
	}
	s.Message = ""
	switch {
	case k.Key == KeyEnter:
		if mt.Cred.Len() == 0 {
			return false
		}
		buf := mt.Cred
		mt.Cred = &PINBuffer{}
		m.emit(CheckCredential{Req: m.req(), Credential: buf})
	case k.Key == KeyBackspace:
		mt.Cred.pop()
	case k.Key == KeyClear:
		mt.Cred.Zero()
	case k.Key >= '0' && k.Key <= '9' || k.Key >= 'A' && k.Key <= 'Z':
		if !mt.Cred.push(byte(k.Key)) {
			return false
		}
	default:
		return false
	}
	if k.Source == HardwareKeypad {
		m.emit(Cue{Key: CueKey})
	}
	return true
}

// credentialChecked takes the answer of a credential check. While locked out even a right
// credential is refused: the lock-out is what limits guessing.
func (m *machine) credentialChecked(e CredentialChecked) bool {
	s := &m.s
	mt := &s.Maint
	if e.At.Before(mt.LockedUntil) {
		m.journal(Warn, "technician_locked_out", mt.LockedUntil.UTC().Format(time.RFC3339))
		s.Message = MsgTechnicianLocked
		m.emit(Cue{Key: CueError})
		return true
	}
	if e.Problem != "" {
		m.journal(Alarm, "technician_credential_unchecked", e.Problem)
	}
	if e.OK {
		mt.Failures = 0
		m.leaveLogin()
		m.enterMaintenance("credential")
		return true
	}
	mt.Failures++
	left := max(s.Config.TechnicianAttempts-mt.Failures, 0)
	m.journal(Warn, "technician_credential_wrong", fmt.Sprintf("%d left", left))
	m.emit(Cue{Key: CueError})
	if left == 0 {
		mt.Failures = 0
		mt.LockedUntil = e.At.Add(s.Config.TechnicianLockout)
		m.journal(Alarm, "technician_lockout", mt.LockedUntil.UTC().Format(time.RFC3339))
		s.Message = MsgTechnicianLocked
		return true
	}
	s.Message = MsgTechnicianWrong
	return true
}

// leaveLogin zeroes what was typed.
func (m *machine) leaveLogin() {
	s := &m.s
	s.Maint.Cred.Zero()
	s.Maint.Cred = nil
	s.Await = Req{}
	if s.Screen == TechnicianLogin {
		m.toIdle()
	}
}

func (m *machine) enterMaintenance(how string) {
	s := &m.s
	mt := &s.Maint
	mt.Pending, mt.Busy, mt.Report, mt.Page = false, false, nil, ""
	s.Await = Req{}
	m.journal(Warn, "maintenance_on", how)
	m.goTo(Maintenance)
}

// leaveMaintenance goes back to the residents: Idle, or OutOfService while a reason (the
// technician's own among them) is raised.
func (m *machine) leaveMaintenance(how string) {
	s := &m.s
	s.Maint.Busy, s.Maint.Report, s.Maint.Page = false, nil, ""
	s.Await = Req{}
	m.journal(Info, "maintenance_off", how)
	if s.Ledger.Pending > 0 {
		s.After = Idle
		m.goTo(Refunding)
		return
	}
	m.toIdle()
}

// maintTimeout: a technician who signed in with a credential and walked away does not keep the
// kiosk from residents; with the key on, maintenance lasts as long as the key.
func (m *machine) maintTimeout() {
	s := &m.s
	switch s.Screen {
	case TechnicianLogin:
		m.leaveLogin()
	case Maintenance:
		if s.Maint.KeyOn {
			m.restartTimer()
			return
		}
		m.leaveMaintenance("timeout")
	}
}
