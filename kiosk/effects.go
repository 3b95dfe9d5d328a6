package kiosk

import "time"

// Effect is something the machine wants done, as data. The Runner performs it through a port;
// effects with a Req are answered by an event carrying the same Req.
type Effect interface{ isEffect() }

// Render shows the view of the new state.
type Render struct{ View View }

// Cue plays an audio cue or spoken guidance (message key); the speaker never hears a PIN digit.
type Cue struct{ Key string }

// ReadCard reads the token label, the user-auth certificate (when readable without a PIN) and the
// tries left on PIN. Answer: CardRead or Failed.
type ReadCard struct {
	Req
	PIN PINKind
}

// VerifyPIN sends the PIN to the card. The Runner zeroes Buffer as soon as the card call returns.
// Answer: PINVerified or Failed.
type VerifyPIN struct {
	Req
	PIN    PINKind
	Buffer *PINBuffer
}

// ReadCert reads a certificate that needs the PIN first (signature certificate; the Android
// token's user-auth certificate). Answer: CertRead or Failed.
type ReadCert struct {
	Req
	Cert PINKind
}

// GetChallenge asks the center for a login challenge. Purpose: "issue" or "pin_reset".
// Answer: ChallengeIssued, Refused or Failed.
type GetChallenge struct {
	Req
	Purpose string
}

// SignChallenge has the card sign the challenge with the key of Key (the card adapter builds the
// message the center expects). Answer: ChallengeSigned or Failed.
type SignChallenge struct {
	Req
	Key       PINKind
	Challenge Challenge
}

// Login proves the certificate to the center. Answer: LoggedIn, Refused or Failed.
type Login struct {
	Req
	ChallengeID string
	Cert        []byte // DER
	Signature   []byte
}

// Logout ends a center session; fire and forget (the center also expires it).
type Logout struct{ SessionID string }

// Issue asks the center for the chosen certificate. Answer: Issued, Refused or Failed.
type Issue struct {
	Req
	Request IssueRequest
}

// VerifyDocuments checks each envelope's signatures and its binding to Binding.
// Answer: DocumentsVerified (one per envelope, in order) or DocumentsRejected.
type VerifyDocuments struct {
	Req
	Envelopes []Envelope
	Binding   Binding
}

// RegisterKoseki files the 戸籍証明書交付の利用登録申請. Answer: KosekiRegistered, Refused or Failed.
type RegisterKoseki struct {
	Req
	SessionID string
}

// GetResetChallenge asks the card for a fresh reset challenge. Answer: ResetChallengeRead or Failed.
type GetResetChallenge struct{ Req }

// AuthorizeReset asks the center for a reset command for that challenge.
// Answer: ResetAuthorized, Refused or Failed.
type AuthorizeReset struct {
	Req
	SessionID     string
	ReservationID string
	PIN           PINKind
	CardChallenge []byte
}

// ApplyReset relays the center's command with the new PIN to the card. The Runner zeroes NewPIN
// as soon as the card call returns. Answer: ResetApplied or Failed.
type ApplyReset struct {
	Req
	PIN     PINKind
	Command ResetCommand
	NewPIN  *PINBuffer
}

// AcceptMoney opens the cashbox for payment of Due yen; MoneyIn events follow.
type AcceptMoney struct{ Due int }

// StopMoney closes the cashbox's intake.
type StopMoney struct{}

// PayPurpose is why money goes out.
type PayPurpose int

const (
	PayChange PayPurpose = iota + 1
	PayRefund
)

func (p PayPurpose) String() string {
	if p == PayChange {
		return "change"
	}
	return "refund"
}

// PayOut gives money back. Answer: PaidOut (always taken, even for an ended transaction).
type PayOut struct {
	Req
	Purpose PayPurpose
	Amount  int
}

// Print prints one copy. Only a VerifiedDocument bound to the current session can be put here.
// Answer: PrintDone or PrintFault.
type Print struct {
	Req
	Doc VerifiedDocument
}

// CancelPrint stops the printer job of an aborted transaction.
type CancelPrint struct{}

// SlipKind is what the receipt printer prints.
type SlipKind int

const (
	SlipReceipt    SlipKind = iota + 1 // 領収書 for an issuance
	SlipRefundOwed                     // a refund the cashbox could not pay: claim it at the counter
)

// Slip is a receipt-printer slip. No personal data: amounts, codes and references.
type Slip struct {
	Kind       SlipKind
	Ref        string // transaction id, the key of the outbox record
	IssuanceID string
	Type       string
	Copies     int
	Amount     int
}

// PrintSlip prints a slip. Answer (when Req is set): SlipPrinted.
type PrintSlip struct {
	Req
	Slip Slip
}

// RecordKind is the kind of an outbox record.
type RecordKind string

const (
	RecordCompletion      RecordKind = "completion"       // issuance printed and paid
	RecordVoid            RecordKind = "void"             // issuance not (fully) printed
	RecordRefund          RecordKind = "refund"           // money returned for a voided issuance
	RecordRefundOwed      RecordKind = "refund_owed"      // money the cashbox could not return
	RecordBindingMismatch RecordKind = "binding_mismatch" // a document that failed verification: report
	RecordPINReset        RecordKind = "pin_reset_result"
)

// Record is one outbox record: what must reach the center even when it is down. Never personal
// data: codes, ids and amounts only.
type Record struct {
	Kind       RecordKind
	Key        string // idempotency key: transaction id and kind
	Txn        string
	IssuanceID string
	Type       string
	Copies     int
	Printed    int
	Amount     int
	Reason     string
	ResetID    string
	OK         bool
	SW         string
}

// OutboxAppend stores a record durably for delivery to the center.
type OutboxAppend struct{ Record Record }

// Severity of a journal entry.
type Severity int

const (
	Info Severity = iota
	Warn
	Alarm // a detected mismatch: never dismissed (domain.md §7)
)

// JournalEntry is one line of the audit journal: codes only, never personal data or PINs.
type JournalEntry struct {
	Severity Severity
	Code     string // what happened: session_start, login, refused, printed, binding_mismatch, …
	Txn      string
	Screen   Screen
	Detail   string // technician detail: a refusal code, a cause, an issuance id
}

// Journal appends to the audit journal.
type Journal struct{ Entry JournalEntry }

// StartTimer (re)starts the machine's one timer; it fires TimerFired{Gen} after After.
type StartTimer struct {
	Gen   uint64
	After time.Duration
}

// CancelTimer stops the timer.
type CancelTimer struct{}

// Maintain performs a technician's action (MaintStatus, MaintJournal, …). Answer: Maintained.
type Maintain struct {
	Req
	Action MaintAction
}

// CheckCredential checks a technician credential typed on the screen. The Runner zeroes
// Credential as soon as the check returns. Answer: CredentialChecked.
type CheckCredential struct {
	Req
	Credential *PINBuffer
}

// Abort cancels every request of transaction Txn still in flight; their late answers are dropped.
type Abort struct{ Txn uint64 }

func (Render) isEffect()            {}
func (Cue) isEffect()               {}
func (ReadCard) isEffect()          {}
func (VerifyPIN) isEffect()         {}
func (ReadCert) isEffect()          {}
func (GetChallenge) isEffect()      {}
func (SignChallenge) isEffect()     {}
func (Login) isEffect()             {}
func (Logout) isEffect()            {}
func (Issue) isEffect()             {}
func (VerifyDocuments) isEffect()   {}
func (RegisterKoseki) isEffect()    {}
func (GetResetChallenge) isEffect() {}
func (AuthorizeReset) isEffect()    {}
func (ApplyReset) isEffect()        {}
func (AcceptMoney) isEffect()       {}
func (StopMoney) isEffect()         {}
func (PayOut) isEffect()            {}
func (Print) isEffect()             {}
func (CancelPrint) isEffect()       {}
func (PrintSlip) isEffect()         {}
func (OutboxAppend) isEffect()      {}
func (Journal) isEffect()           {}
func (StartTimer) isEffect()        {}
func (CancelTimer) isEffect()       {}
func (Abort) isEffect()             {}
func (Maintain) isEffect()          {}
func (CheckCredential) isEffect()   {}
