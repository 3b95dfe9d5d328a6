package kiosk

import (
	"fmt"
	"slices"
	"time"
)

// login is the flow from the attract screen to "take your card back" (domain.md §3 steps 1–3):
// language → terms → service → place card → read token, certificate and tries → PIN (with the
// last-try confirmation) → VERIFY → challenge, signature, center login.
func (m *machine) login(e Event) bool {
	s := &m.s
	t := &s.Tx
	switch s.Screen {
	case Idle:
		if tap, ok := e.(Tap); ok && tap.Button == BtnStart {
			if s.Flags != 0 || !s.Ledger.Balanced() || len(s.Payouts) > 0 {
				return false
			}
			m.startTx()
			m.goTo(ChooseLanguage)
			return true
		}

	case ChooseLanguage:
		if tap, ok := e.(Tap); ok {
			switch tap.Button {
			case BtnLanguage:
				if !slices.Contains(s.Config.Languages, tap.Arg) {
					return false
				}
				s.Language = tap.Arg
				m.goTo(Terms)
				return true
			case BtnBack:
				m.finish()
				return true
			}
		}

	case Terms:
		if tap, ok := e.(Tap); ok {
			switch tap.Button {
			case BtnAgree:
				m.goTo(ChooseService)
				return true
			case BtnDecline:
				m.finish()
				return true
			case BtnBack:
				m.goTo(ChooseLanguage)
				return true
			}
		}

	case ChooseService:
		if tap, ok := e.(Tap); ok {
			switch tap.Button {
			case BtnService:
				svc, ok := ParseService(tap.Arg)
				if !ok {
					return false
				}
				t.Service = svc
				m.goTo(PlaceCard)
				if s.CardPresent {
					m.readCard()
				}
				return true
			case BtnBack:
				m.goTo(Terms)
				return true
			}
		}

	case PlaceCard:
		switch e := e.(type) {
		case CardPlaced:
			m.readCard()
			return true
		case Tap:
			if e.Button == BtnBack {
				m.goTo(ChooseService)
				return true
			}
		}

	case ReadingCard:
		switch e := e.(type) {
		case CardRead:
			m.cardRead(e)
			return true
		case Failed:
			m.failed(e.Cause)
			return true
		}

	case EnterPIN:
		switch e := e.(type) {
		case Key:
			if e.Key != KeyEnter {
				return m.typeKey(t.PIN, t.Service.known(), e)
			}
			if !rulesOf(t.Service.known(), t.PIN).LengthOK {
				// A PIN of the wrong shape is not sent: it would spend a try for nothing.
				s.Message = MsgPINTooShort
				m.emit(Cue{Key: CueError})
				return true
			}
			if t.Tries == 1 {
				m.goTo(ConfirmLastTry)
				s.Message = MsgLastTry
				return true
			}
			m.verify()
			return true
		}

	case ConfirmLastTry:
		if tap, ok := e.(Tap); ok {
			switch tap.Button {
			case BtnProceed:
				m.verify()
				return true
			case BtnBack:
				t.PIN.Zero()
				m.goTo(EnterPIN)
				return true
			}
		}

	case Verifying:
		switch e := e.(type) {
		case PINVerified:
			m.verified(e.Result)
			return true
		case Failed:
			m.failed(e.Cause)
			return true
		}

	case LoggingIn:
		return m.loggingIn(e)

	case TakeCardBack:
		if _, ok := e.(CardRemoved); ok {
			m.goTo(Menu)
			return true
		}
	}
	return false
}

func (m *machine) readCard() {
	m.goTo(ReadingCard)
	m.emit(ReadCard{Req: m.req(), PIN: m.s.Tx.Service.known()})
}

// cardRead decides from what the card says, before any PIN is typed, whatever can be decided:
// not usable, blocked, expired, a phone that cannot do this service.
func (m *machine) cardRead(e CardRead) {
	s := &m.s
	t := &s.Tx
	info := e.Info
	t.Token = info.Token
	t.Tries = info.TriesLeft
	m.journal(Info, "card_read", fmt.Sprintf("%s tries %d", info.Token, info.TriesLeft))
	reset := t.Service != ServiceCertificates
	switch {
	case info.Token == TokenUnknown:
		m.end(OutcomeInfo{Key: OutcomeNotMyNumber, Next: NextNone}, "not_mynumber_card")
		return
	case reset && info.Token != TokenCard:
		// A phone's PINs are the phone's own; they are reset in the phone app (domain.md §6).
		m.end(OutcomeInfo{Key: OutcomePhoneTokenReset, Next: NextPhoneApp}, "phone_token_reset")
		return
	case !info.HasAuthCert:
		m.end(OutcomeInfo{Key: OutcomeNoUserCert, Next: NextCityHall}, "no_user_cert")
		return
	case t.Service == ServiceResetUserPIN && !info.HasSignatureCert:
		m.end(refusalOutcome("no_signature_cert"), "no_signature_cert")
		return
	case info.Token != TokenIPhone && info.TriesLeft <= 0:
		m.end(OutcomeInfo{Key: OutcomeBlocked, Next: NextCityHall}, "blocked")
		return
	}
	if info.AuthCert != nil {
		c := *info.AuthCert
		t.AuthCert = &c
		if m.expired(&c, e.At) {
			return
		}
	}
	if info.Token == TokenIPhone {
		// Face ID on the phone stands for the PIN: no PIN is typed here.
		t.Login = t.AuthCert
		m.startLogin()
		return
	}
	t.PIN = new(PINBuffer)
	m.goTo(EnterPIN)
}

// expired ends the session when the certificate is past its validity, saying since when.
func (m *machine) expired(c *CertInfo, at time.Time) bool {
	if c.NotAfter.IsZero() || at.Before(c.NotAfter) {
		return false
	}
	o := refusalOutcome("expired")
	o.Date = c.NotAfter
	m.end(o, "expired")
	return true
}

// typeKey puts one keypad key into a PIN buffer. The hardware keypad answers each key with a
// tone: the PIN itself is never spoken.
func (m *machine) typeKey(p *PINBuffer, kind PINKind, k Key) bool {
	if p == nil {
		return false
	}
	switch k.Key {
	case KeyBackspace:
		p.pop()
	case KeyClear:
		p.Zero()
	default:
		c, ok := acceptKey(kind, p.Len(), k.Key)
		if !ok {
			m.emit(Cue{Key: CueError})
			return false
		}
		p.push(c)
	}
	if k.Source == HardwareKeypad {
		m.emit(Cue{Key: CueKey})
	}
	m.s.Message = ""
	return true
}

// verify hands the PIN buffer to the card; State keeps no reference to it.
func (m *machine) verify() {
	t := &m.s.Tx
	buf := t.PIN
	t.PIN = nil
	m.goTo(Verifying)
	m.emit(VerifyPIN{Req: m.req(), PIN: t.Service.known(), Buffer: buf})
}

func (m *machine) verified(r VerifyResult) {
	s := &m.s
	t := &s.Tx
	switch {
	case r.Blocked || (!r.OK && r.TriesLeft <= 0):
		m.journal(Warn, "pin_blocked", t.Service.known().String())
		m.end(OutcomeInfo{Key: OutcomeBlocked, Next: NextCityHall}, "blocked")
	case !r.OK:
		m.journal(Info, "pin_wrong", fmt.Sprint(r.TriesLeft))
		t.Tries = r.TriesLeft
		t.PIN = new(PINBuffer)
		m.goTo(EnterPIN)
		s.Message = MsgPINWrong
		m.emit(Cue{Key: CueError})
	case t.Service == ServiceResetUserPIN:
		m.goTo(LoggingIn)
		m.emit(ReadCert{Req: m.req(), Cert: SignaturePIN})
	case t.AuthCert == nil:
		// The Android token shows its user-auth certificate only after the PIN.
		m.goTo(LoggingIn)
		m.emit(ReadCert{Req: m.req(), Cert: UserAuthPIN})
	default:
		t.Login = t.AuthCert
		m.startLogin()
	}
}

func purpose(svc Service) string {
	if svc == ServiceCertificates {
		return "issue"
	}
	return "pin_reset"
}

func (m *machine) startLogin() {
	if m.s.Screen != LoggingIn {
		m.goTo(LoggingIn)
	}
	m.emit(GetChallenge{Req: m.req(), Purpose: purpose(m.s.Tx.Service)})
}

func (m *machine) loggingIn(e Event) bool {
	s := &m.s
	t := &s.Tx
	switch e := e.(type) {
	case CertRead:
		c := e.Cert
		if t.Service == ServiceResetUserPIN {
			t.Login = &c
		} else {
			t.AuthCert = &c
			t.Login = t.AuthCert
		}
		if m.expired(&c, e.At) {
			return true
		}
		m.startLogin()
	case ChallengeIssued:
		if len(e.Challenge.Nonce) == 0 {
			m.end(OutcomeInfo{Key: OutcomeCenterError, Next: NextTryLater}, "empty_nonce")
			return true
		}
		t.Challenge = e.Challenge
		m.emit(SignChallenge{Req: m.req(), Key: t.Service.known(), Challenge: e.Challenge})
	case ChallengeSigned:
		t.Signature = e.Signature
		m.emit(Login{Req: m.req(), ChallengeID: t.Challenge.ID, Cert: t.Login.DER, Signature: e.Signature})
	case LoggedIn:
		if e.Session.ID == "" {
			m.end(OutcomeInfo{Key: OutcomeCenterError, Next: NextTryLater}, "empty_session")
			return true
		}
		sess := e.Session
		t.Session = &sess
		t.Signature = nil
		m.journal(Info, "login", t.Service.String())
		m.notices(e.At)
		if t.Service != ServiceCertificates {
			m.checkReservation(e.At)
			return true
		}
		if !s.CardPresent {
			m.goTo(Menu)
			return true
		}
		m.goTo(TakeCardBack)
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
}

// notices tells the resident, after login, when the certificate can or soon can be renewed
// (domain.md §1: the real kiosks do not).
func (m *machine) notices(at time.Time) {
	t := &m.s.Tx
	c := t.Login
	if c == nil || c.RenewFrom.IsZero() {
		return
	}
	switch {
	case !at.Before(c.RenewFrom):
		t.Notices = append(t.Notices, OutcomeInfo{Key: NoticeRenewalOpen, Date: c.NotAfter})
	case !at.Before(c.RenewFrom.Add(-m.s.Config.RenewalNotice)):
		t.Notices = append(t.Notices, OutcomeInfo{Key: NoticeRenewalFrom, Date: c.RenewFrom})
	}
}

// end ends the transaction with an outcome that is not a fault of the machine (a refusal, a
// blocked card): nothing is in flight, there is nothing to void.
func (m *machine) end(o OutcomeInfo, reason string) {
	m.abort(o, reason, Outcome)
}

// failed maps a failed request to its outcome.
func (m *machine) failed(c Cause) {
	var o OutcomeInfo
	switch c {
	case CauseCardRemoved:
		o = OutcomeInfo{Key: OutcomeCardRemoved, Next: NextTryAgain}
	case CauseNotMyNumber:
		o = OutcomeInfo{Key: OutcomeNotMyNumber, Next: NextNone}
	case CauseCardError:
		o = OutcomeInfo{Key: OutcomeCardError, Next: NextPlaceCard}
	case CauseCenterDown:
		o = OutcomeInfo{Key: OutcomeCenterDown, Next: NextTryLater}
	case CauseCenterTimeout:
		o = OutcomeInfo{Key: OutcomeCenterTimeout, Next: NextTryLater}
	case CauseCenterGarbage:
		o = OutcomeInfo{Key: OutcomeCenterError, Next: NextTryLater}
	default:
		o = OutcomeInfo{Key: OutcomeCardError, Next: NextAskStaff}
	}
	m.abort(o, c.String(), Outcome)
}
