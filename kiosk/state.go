package kiosk

import (
	"fmt"
	"time"
)

// Screen is the step of a flow, named as the resident sees it.
type Screen int

const (
	Idle              Screen = iota // attract screen
	ChooseLanguage                  // 日本語 / English / …
	Terms                           // 利用規約: agree or decline
	ChooseService                   // certificates, signature-PIN reset, user-PIN reset
	PlaceCard                       // put the card (or phone) on the reader
	ReadingCard                     // token, certificate, tries left
	EnterPIN                        // keypad, tries left shown
	ConfirmLastTry                  // one try left: what a lock means, proceed or back
	Verifying                       // VERIFY on the card
	LoggingIn                       // challenge, signature, center login
	TakeCardBack                    // take your card back now
	Menu                            // issue a certificate, 戸籍 use registration
	ChooseCertificate               // the municipality's catalog now
	ChooseOptions                   // options allowed for the type
	ChooseMembers                   // members of the household
	ChooseCopies                    // number of copies
	Confirm                         // what, how many, the fee
	Issuing                         // center issues, kiosk verifies the envelopes
	Pay                             // insert coins and bills
	Printing                        // copy n of m
	TakeCertificates                // take your certificates (and change)
	Receipt                         // receipt: yes or no
	KosekiConfirm                   // 戸籍 use registration: confirm
	RegisteringKoseki               // center files the registration
	ResetReservation                // the reservation found: continue
	ResetNewPIN                     // type the new PIN, live rule feedback
	ResetConfirmPIN                 // type it again
	Resetting                       // card challenge, center command, relay to the card
	ResetDone                       // done: take your card
	Refunding                       // paying money back
	Outcome                         // a result or refusal with what to do next
	TimeoutWarning                  // are you still there?
	OutOfService                    // outbox full, paper out, self-test failed, …
	TechnicianLogin                 // staff: technician credential on the keypad
	Maintenance                     // technician mode: status, journal, outbox, tests, configuration
	numScreens
)

var screenNames = [numScreens]string{
	"idle", "choose_language", "terms", "choose_service", "place_card", "reading_card", "enter_pin",
	"confirm_last_try", "verifying", "logging_in", "take_card_back", "menu", "choose_certificate",
	"choose_options", "choose_members", "choose_copies", "confirm", "issuing", "pay", "printing",
	"take_certificates", "receipt", "koseki_confirm", "registering_koseki", "reset_reservation",
	"reset_new_pin", "reset_confirm_pin", "resetting", "reset_done", "refunding", "outcome",
	"timeout_warning", "out_of_service", "technician_login", "maintenance",
}

func (s Screen) String() string {
	if s >= 0 && s < numScreens {
		return screenNames[s]
	}
	return fmt.Sprintf("screen(%d)", int(s))
}

// Key is the screen's message key (title and spoken guidance).
func (s Screen) Key() string { return "screen." + s.String() }

// ParseScreen is the inverse of Screen.String.
func ParseScreen(name string) (Screen, bool) {
	for i, n := range screenNames {
		if n == name {
			return Screen(i), true
		}
	}
	return 0, false
}

// kind of waiting a screen does, which decides its timer.
type timerKind int

const (
	noTimer     timerKind = iota
	inactivity            // the resident is expected to act: warning, then abort
	operation             // waiting for a device or the center: abort when it runs out
	hold                  // a result on screen: back to idle when it runs out
	printWait             // per copy
	warningWait           // the warning itself
	technician            // technician screens: back to the residents when nobody is there
)

func (s Screen) timer() timerKind {
	switch s {
	case ChooseLanguage, Terms, ChooseService, PlaceCard, EnterPIN, ConfirmLastTry, TakeCardBack,
		Menu, ChooseCertificate, ChooseOptions, ChooseMembers, ChooseCopies, Confirm, Pay,
		KosekiConfirm, ResetReservation, ResetNewPIN, ResetConfirmPIN:
		return inactivity
	case ReadingCard, Verifying, LoggingIn, Issuing, RegisteringKoseki, Resetting:
		return operation
	case Printing:
		return printWait
	case TakeCertificates, Receipt, ResetDone, Outcome:
		return hold
	case TimeoutWarning:
		return warningWait
	case TechnicianLogin, Maintenance:
		return technician
	}
	return noTimer
}

// Config is the machine's fixed settings.
type Config struct {
	KioskID    string
	Languages  []string      // first is the default
	Inactivity time.Duration // before the warning
	Warning    time.Duration // the warning's own time
	Operation  time.Duration // card and center calls
	PrintCopy  time.Duration // one copy (printing can take over 2 minutes, domain.md §3)
	Hold       time.Duration // an outcome or "take your certificates" on screen
	// RenewalNotice is how long before the renewal date the resident is told from when renewal is
	// possible; from the renewal date on, that renewal is possible now.
	RenewalNotice time.Duration
	// TechnicianAttempts wrong credentials in a row lock the staff sign-in for TechnicianLockout.
	TechnicianAttempts int
	TechnicianLockout  time.Duration
	// MaintenanceIdle is how long the maintenance screens stay up untouched when the technician
	// signed in with a credential (with the key on they stay while it is on).
	MaintenanceIdle time.Duration
}

// DefaultConfig is what the kiosk runs with unless configured otherwise.
func DefaultConfig() Config {
	return Config{
		KioskID:       "kiosk",
		Languages:     []string{"ja", "en", "zh", "ko", "vi", "pt", "es", "tl"},
		Inactivity:    60 * time.Second,
		Warning:       20 * time.Second,
		Operation:     30 * time.Second,
		PrintCopy:     3 * time.Minute,
		Hold:          20 * time.Second,
		RenewalNotice: 90 * 24 * time.Hour,

		TechnicianAttempts: 3,
		TechnicianLockout:  15 * time.Minute,
		MaintenanceIdle:    10 * time.Minute,
	}
}

// OutcomeInfo is what the Outcome screen says: what happened, what to do next, and a date when
// the message needs one (renewal from …).
type OutcomeInfo struct {
	Key  string
	Next string
	Date time.Time
}

// State is everything the machine knows. Personal data lives only in Tx, which is dropped when a
// transaction ends.
type State struct {
	Screen Screen
	Config Config
	Boot   string // random id of this run (from the Runner): with Txn, ids never collide

	Txn      uint64 // current transaction; a new one starts at each ChooseLanguage
	Seq      uint64 // last request sequence number
	Await    Req    // the one answer the machine waits for; zero when none
	TimerGen uint64
	Prev     Screen // the screen a TimeoutWarning returns to

	CardPresent bool
	TrayFull    bool // the output-tray sensor sees sheets
	Flags       ServiceFlag
	Ledger      Ledger
	Payouts     []Req // payouts asked of the cashbox, answer not in yet
	Totals      Totals
	After       Screen      // where Refunding goes when the money is back: Outcome, Idle or OutOfService
	Outcome     OutcomeInfo // on the Outcome screen
	Message     string      // inline message key on the current screen
	Language    string

	Maint MaintState
	Tx    Transaction
}

// MaintState is the technician's side of the machine. Nothing in it is personal; the credential
// being typed is zeroed when it is checked or abandoned.
type MaintState struct {
	KeyOn       bool         // the maintenance key is turned
	Pending     bool         // the key was turned during a transaction: maintenance follows it
	Cred        *PINBuffer   // the credential being typed on TechnicianLogin
	Failures    int          // wrong credentials in a row
	LockedUntil time.Time    // staff sign-in refused until then
	Page        MaintAction  // the action whose report is on screen
	Busy        bool         // that action is under way
	Report      *MaintReport // its result
}

// Transaction is one resident's session: all of it is personal or tied to the person, and all of
// it is dropped (and PINs zeroed) when the transaction ends.
type Transaction struct {
	ID       string
	Service  Service
	Token    TokenKind
	AuthCert *CertInfo // user-auth certificate
	Login    *CertInfo // certificate that logged in (auth; signature in the user-PIN reset)
	Tries    int
	PIN      *PINBuffer
	NewPIN   *PINBuffer
	Again    *PINBuffer
	Rules    PINRules

	Challenge Challenge
	Signature []byte
	Session   *Session
	Notices   []OutcomeInfo

	Offer   *Offer
	Options []string
	Members []string
	Copies  int

	Issuance *Issuance
	Docs     []VerifiedDocument
	Printed  int

	ResetChallenge []byte
	ResetCommand   ResetCommand
	SlipAsked      bool
	TrayReminders  int // "take your certificates" said again while they lay in the tray
}

// NewState is the machine at power-on: Idle, or OutOfService while flags are raised.
func NewState(cfg Config, boot string) State {
	s := State{Config: cfg, Boot: boot}
	s.Language = defaultLanguage(cfg)
	return s
}

func defaultLanguage(cfg Config) string {
	if len(cfg.Languages) > 0 {
		return cfg.Languages[0]
	}
	return "ja"
}

// binding is what the current session's documents must be bound to; ok is false outside a
// logged-in session.
func (s *State) binding() (Binding, bool) {
	t := &s.Tx
	if t.Session == nil || t.Login == nil || len(t.Challenge.Nonce) == 0 {
		return Binding{}, false
	}
	return Binding{SessionID: t.Session.ID, Nonce: t.Challenge.Nonce, CertSHA256: t.Login.SHA256}, true
}

// Binding is the current session's binding (for tests and the technician screen).
func (s State) Binding() (Binding, bool) { return s.binding() }

// View is what the screen shows for a state. It carries the PIN's length, never the PIN.
type View struct {
	Screen       Screen
	Language     string
	Message      string
	Outcome      OutcomeInfo
	Service      Service
	Token        TokenKind
	TriesLeft    int
	PINLength    int
	Rules        PINRules
	Municipality string
	Catalog      []Offer
	Type         string
	Options      []string
	Members      []Member
	Chosen       []string
	Copies       int
	Fee          int // total
	Due          int
	Paid         int // money put in during this transaction
	Printed      int
	Notices      []OutcomeInfo
	Reservation  *Reservation
	Prev         Screen // under a timeout warning
	Flags        ServiceFlag
	// Technician screens: the action on screen, whether it runs, its report, the machine's own
	// counters and whether the key is turned.
	MaintPage   MaintAction
	MaintOffer  []MaintAction // what the screen offers now, in screen order (maintOffer)
	MaintBusy   bool
	MaintReport *MaintReport
	Counters    Counters
	KeyOn       bool
}

// Counters are the machine's figures since it started, for the technician: no personal data.
type Counters struct {
	Sessions int    `json:"sessions"` // transactions started
	Totals   Totals `json:"money_yen"`
}

// View is the screen's view of s.
func (s State) View() View {
	t := &s.Tx
	v := View{
		Screen: s.Screen, Language: s.Language, Message: s.Message, Outcome: s.Outcome,
		Service: t.Service, Token: t.Token, TriesLeft: t.Tries, Rules: t.Rules,
		Options: t.Options, Chosen: t.Members, Copies: t.Copies, Due: s.Ledger.Due,
		Paid: s.Ledger.In, Printed: t.Printed, Notices: t.Notices,
		Prev: s.Prev, Flags: s.Flags,
	}
	if s.Screen == Maintenance {
		v.MaintPage, v.MaintBusy, v.MaintReport = s.Maint.Page, s.Maint.Busy, s.Maint.Report
		v.MaintOffer = s.maintOffer()
		v.Counters = Counters{Sessions: int(s.Txn), Totals: s.Totals}
		v.KeyOn = s.Maint.KeyOn
	}
	switch s.Screen {
	case ResetNewPIN:
		v.PINLength = t.NewPIN.Len()
	case ResetConfirmPIN:
		v.PINLength = t.Again.Len()
	case TechnicianLogin:
		v.PINLength = s.Maint.Cred.Len()
	default:
		v.PINLength = t.PIN.Len()
	}
	if t.Session != nil {
		v.Municipality = t.Session.Municipality.Name
		v.Catalog = t.Session.Catalog
		v.Members = t.Session.Members
		v.Reservation = t.Session.Reservation
	}
	if t.Offer != nil {
		v.Type = t.Offer.Type
		v.Fee = t.Offer.Fee * t.Copies
	}
	return v
}
