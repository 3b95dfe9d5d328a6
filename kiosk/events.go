package kiosk

import "time"

// Event is anything that happens to the machine: a touch or key, a device signal, a timer, or the
// answer to an effect. Answers carry the Req of the effect they answer.
type Event interface{ isEvent() }

// Button is a touch target on a screen. The UI sends Tap{Button, Arg}.
type Button int

const (
	BtnStart        Button = iota + 1 // attract screen: begin
	BtnLanguage                       // Arg: language code
	BtnAgree                          // terms
	BtnDecline                        // terms
	BtnService                        // Arg: Service.String()
	BtnCancel                         // end the session from any interactive screen
	BtnBack                           // one screen back
	BtnNext                           // go on from a choice screen
	BtnProceed                        // last try: enter the PIN anyway
	BtnContinue                       // timeout warning: I am still here
	BtnChooseType                     // Arg: certificate type code
	BtnToggleOption                   // Arg: option code
	BtnToggleMember                   // Arg: member id
	BtnMore                           // one copy more
	BtnLess                           // one copy less
	BtnConfirm                        // confirm the fee, or the 戸籍 registration
	BtnIssue                          // menu: issue a certificate
	BtnKoseki                         // menu: 戸籍 use registration
	BtnReceipt                        // receipt: print one
	BtnNoReceipt                      // receipt: no thanks
	BtnDone                           // took the certificates / acknowledged an outcome
	BtnStaff                          // attract or out-of-service screen: technician sign-in
	BtnMaint                          // maintenance screen: Arg is a MaintAction
)

var buttonNames = map[Button]string{
	BtnStart: "start", BtnLanguage: "language", BtnAgree: "agree", BtnDecline: "decline",
	BtnService: "service", BtnCancel: "cancel", BtnBack: "back", BtnNext: "next", BtnProceed: "proceed",
	BtnContinue: "continue", BtnChooseType: "type", BtnToggleOption: "option", BtnToggleMember: "member",
	BtnMore: "more", BtnLess: "less", BtnConfirm: "confirm", BtnIssue: "issue", BtnKoseki: "koseki",
	BtnReceipt: "receipt", BtnNoReceipt: "no_receipt", BtnDone: "done", BtnStaff: "staff", BtnMaint: "maint",
}

func (b Button) String() string { return buttonNames[b] }

// ParseButton is the inverse of Button.String.
func ParseButton(s string) (Button, bool) {
	for b, n := range buttonNames {
		if n == s {
			return b, true
		}
	}
	return 0, false
}

// Tap is a touch on a button.
type Tap struct {
	Button Button
	Arg    string
}

// KeySource tells the touch keypad from the hardware keypad (which gets audio feedback).
type KeySource int

const (
	TouchKeypad KeySource = iota
	HardwareKeypad
)

// Special keys of both keypads.
const (
	KeyEnter     rune = '\n'
	KeyBackspace rune = '\b'
	KeyClear     rune = 0x7f
)

// Key is one key of a keypad: '0'–'9', 'A'–'Z' (signature PIN), or a special key.
type Key struct {
	Key    rune
	Source KeySource
}

// CardPlaced and CardRemoved come from the reader's presence detection.
type (
	CardPlaced  struct{}
	CardRemoved struct{}
)

// MoneyIn is a coin or bill the cashbox took. Money is never ignored: outside payment it is
// refunded at once.
type MoneyIn struct{ Yen int }

// TechnicianKey is the maintenance key turned on or off.
type TechnicianKey struct{ On bool }

// RemoteMaintenance is a technician's action from kioskctl on the kiosk's loopback endpoint
// (kiosk/fleet): journaled by the machine; service_off and service_on change the service
// flags, the rest are only recorded (the endpoint performs them).
type RemoteMaintenance struct{ Action MaintAction }

// ServiceFlag is a reason the kiosk is out of service.
type ServiceFlag uint8

const (
	FlagOutboxFull ServiceFlag = 1 << iota
	FlagPaperOut
	FlagPrinterFault
	FlagSelfTestFailed
	FlagCashboxFault
	FlagTechnician   // a technician took the kiosk out of service
	FlagTrayNotEmpty // a session ended with certificates left in the output tray
	// FlagStorageFault: a record or journal entry could not be written for another reason than a
	// full outbox (a disk error): no new session until a technician has looked.
	FlagStorageFault
)

// RepairableFlags are the reasons a technician clears by putting the kiosk back in service
// (certificates left in the tray among them: the technician keeps them, even if the sensor sticks).
const RepairableFlags = FlagTechnician | FlagPaperOut | FlagPrinterFault | FlagCashboxFault | FlagTrayNotEmpty |
	FlagStorageFault

// ServiceChanged raises or clears an out-of-service reason.
type ServiceChanged struct {
	Flag ServiceFlag
	On   bool
}

// TrayChanged is the output-tray sensor: printed sheets lie in the tray, or not (any more).
// Without a sensor fitted it never comes.
type TrayChanged struct{ Occupied bool }

// TimerFired is the machine's one timer running out; Gen tells a current timer from a stale one.
type TimerFired struct{ Gen uint64 }

// Req identifies one asynchronous request: the transaction it belongs to and its sequence number.
// An answer is taken only when its Req is the one the machine awaits.
type Req struct {
	Txn uint64
	Seq uint64
}

func (r Req) request() Req { return r }

type answer interface{ request() Req }

// Answers to effects.
type (
	CardRead struct {
		Req
		Info CardInfo
		At   time.Time // when the card was read: expiry is judged against it
	}
	PINVerified struct {
		Req
		Result VerifyResult
	}
	CertRead struct {
		Req
		Cert CertInfo
		At   time.Time
	}
	ChallengeIssued struct {
		Req
		Challenge Challenge
	}
	ChallengeSigned struct {
		Req
		Signature []byte
	}
	LoggedIn struct {
		Req
		Session Session
		At      time.Time
	}
	Issued struct {
		Req
		Issuance Issuance
	}
	DocumentsVerified struct {
		Req
		Docs []VerifiedDocument
	}
	DocumentsRejected struct {
		Req
		Reason string // developer text: which check failed (no personal data)
	}
	KosekiRegistered struct {
		Req
		Catalog []Offer
	}
	ResetChallengeRead struct {
		Req
		Challenge []byte
	}
	ResetAuthorized struct {
		Req
		Command ResetCommand
	}
	ResetApplied struct {
		Req
		OK bool
		SW string // card status word when not OK
	}
	PrintDone  struct{ Req }
	PrintFault struct {
		Req
		Fault string // technician code: paper_out, jam, cover_open, offline, …
	}
	SlipPrinted struct {
		Req
		OK bool
	}
	// PaidOut is the cashbox's answer to PayOut. It is taken whatever the transaction: money is real.
	PaidOut struct {
		Req
		Purpose PayPurpose
		Asked   int
		Paid    int
		Problem string // the cashbox's error, when it paid less (technician detail)
	}
	// Maintained is the Maintainer's answer to Maintain.
	Maintained struct {
		Req
		Action MaintAction
		Report MaintReport
	}
	// CredentialChecked is the answer to CheckCredential, with when the check was made (the
	// lock-out is judged against it).
	CredentialChecked struct {
		Req
		OK      bool
		Problem string // the check could not be made (no or a broken configured hash)
		At      time.Time
	}
	// Refused is the center saying no, with a refusal code (codes.go).
	Refused struct {
		Req
		Code string
	}
	// Failed is a request that did not get an answer of its kind.
	Failed struct {
		Req
		Cause Cause
	}
)

// Cause is why a request failed.
type Cause int

const (
	CauseCardRemoved   Cause = iota + 1 // card left the reader mid-command
	CauseNotMyNumber                    // no JPKI application on what was placed
	CauseCardError                      // unreadable, mute, unexpected status word
	CauseCenterDown                     // unreachable, 5xx
	CauseCenterTimeout                  // no answer in time
	CauseCenterGarbage                  // answer that does not parse or does not fit
	CausePrinter                        // printer or slip printer unusable
)

func (c Cause) String() string {
	switch c {
	case CauseCardRemoved:
		return "card_removed"
	case CauseNotMyNumber:
		return "not_mynumber_card"
	case CauseCardError:
		return "card_error"
	case CauseCenterDown:
		return "center_down"
	case CauseCenterTimeout:
		return "center_timeout"
	case CauseCenterGarbage:
		return "center_garbage"
	case CausePrinter:
		return "printer"
	}
	return "unknown"
}

func (Tap) isEvent()                {}
func (Key) isEvent()                {}
func (CardPlaced) isEvent()         {}
func (CardRemoved) isEvent()        {}
func (MoneyIn) isEvent()            {}
func (TechnicianKey) isEvent()      {}
func (RemoteMaintenance) isEvent()  {}
func (TrayChanged) isEvent()        {}
func (ServiceChanged) isEvent()     {}
func (TimerFired) isEvent()         {}
func (CardRead) isEvent()           {}
func (PINVerified) isEvent()        {}
func (CertRead) isEvent()           {}
func (ChallengeIssued) isEvent()    {}
func (ChallengeSigned) isEvent()    {}
func (LoggedIn) isEvent()           {}
func (Issued) isEvent()             {}
func (DocumentsVerified) isEvent()  {}
func (DocumentsRejected) isEvent()  {}
func (KosekiRegistered) isEvent()   {}
func (ResetChallengeRead) isEvent() {}
func (ResetAuthorized) isEvent()    {}
func (ResetApplied) isEvent()       {}
func (PrintDone) isEvent()          {}
func (PrintFault) isEvent()         {}
func (SlipPrinted) isEvent()        {}
func (PaidOut) isEvent()            {}
func (Refused) isEvent()            {}
func (Maintained) isEvent()         {}
func (CredentialChecked) isEvent()  {}
func (Failed) isEvent()             {}
