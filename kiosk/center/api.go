package center

import (
	"time"

	"certkiosk/kiosk/document"
)

// MaxBodyBytes bounds every request body the center accepts.
const MaxBodyBytes = 64 << 10

// Paths of the version-1 API.
const (
	PathChallenge      = "/v1/challenge"
	PathLogin          = "/v1/login"
	PathLogout         = "/v1/logout"
	PathIssue          = "/v1/issue"
	PathComplete       = "/v1/complete"
	PathVoid           = "/v1/void"
	PathRefund         = "/v1/refund"
	PathKosekiRegister = "/v1/koseki/register"
	PathPINReset       = "/v1/pinreset/authorize"
	PathPINResetResult = "/v1/pinreset/result"
	PathRecords        = "/v1/records"
	PathRecordsBatch   = "/v1/records/batch" // up to MaxBatchRecords records, one commit
	PathHealth         = "/v1/health"        // GET; changes nothing
)

// HeaderIdempotencyKey carries the idempotency key of a state-changing call.
const HeaderIdempotencyKey = "Idempotency-Key"

// Login purposes.
const (
	PurposeIssue    = "issue"     // certificate issuance
	PurposePINReset = "pin_reset" // JPKI暗証番号リセット
)

// Certificate kinds a session can be opened with, and PIN names for a reset.
const (
	CertAuth      = "auth"      // 利用者証明用: 4-digit PIN
	CertSignature = "signature" // 署名用: 6–16 character PIN
)

// Record kinds accepted by POST /v1/records.
const (
	RecordCompletion     = "completion"
	RecordVoid           = "void"
	RecordRefund         = "refund"
	RecordPINResetResult = "pin_reset_result"
	RecordTelemetry      = "telemetry"
	RecordJournal        = "journal"
	// Kept for audit, no state change: what the kiosk reports about money it could not pay
	// back, documents that failed their binding check, device faults, 戸籍 registrations it
	// relayed, and technicians' cash counts.
	RecordRefundOwed         = "refund_owed"
	RecordBindingMismatch    = "binding_mismatch"
	RecordFault              = "fault"
	RecordKosekiRegistration = "koseki_registration"
	RecordCashReport         = "cash_report"
)

// ChallengeRequest asks for a login challenge.
type ChallengeRequest struct {
	Purpose string `json:"purpose"` // PurposeIssue or PurposePINReset
}

// Challenge is what the card signs (through LoginMessage) to prove the certificate.
type Challenge struct {
	ChallengeID string    `json:"challenge_id"`
	Nonce       []byte    `json:"nonce"` // 32 random bytes; the documents of this login are bound to it
	Expires     time.Time `json:"expires"`
}

// LoginRequest proves a certificate: Signature is the card's PKCS#1 v1.5 SHA-256 signature over
// LoginMessage(nonce, kiosk id), made with the key of Certificate.
type LoginRequest struct {
	ChallengeID string `json:"challenge_id"`
	Certificate []byte `json:"certificate"` // DER: user-auth, or signature for the mirror PIN reset
	Signature   []byte `json:"signature"`
}

// Session is an open login. Everything the resident may ask for now is in Catalog.
type Session struct {
	SessionID    string        `json:"session_id"`
	Purpose      string        `json:"purpose"`
	CertKind     string        `json:"cert_kind"` // CertAuth or CertSignature: which certificate (and PIN) opened it
	Expires      time.Time     `json:"expires"`
	Municipality Municipality  `json:"municipality"`
	Catalog      []CatalogItem `json:"catalog,omitempty"`
	Members      []Member      `json:"members,omitempty"` // the resident's own household, the resident first
	Notices      []Notice      `json:"notices,omitempty"`
	Reservation  *Reservation  `json:"reservation,omitempty"` // PIN-reset sessions: the open reservation, if any
}

// Municipality names the resident's municipality.
type Municipality struct {
	Code string `json:"code"` // 6-digit 全国地方公共団体コード
	Name string `json:"name"`
}

// CatalogItem is one certificate type as the resident can have it now. When Available is false,
// Refusal says why (a refusal code) and the kiosk shows the item greyed with that reason.
type CatalogItem struct {
	Type      string   `json:"type"`    // document.Type* code
	Options   []string `json:"options"` // option codes the resident may choose
	Fee       int      `json:"fee"`     // yen per copy
	MaxCopies int      `json:"max_copies"`
	Hours     Hours    `json:"hours"`
	Available bool     `json:"available"`
	Refusal   string   `json:"refusal,omitempty"`
}

// Hours is when a type can be issued, in JST. Minutes after midnight.
type Hours struct {
	Open         int  `json:"open"`  // e.g. 390 = 6:30
	Close        int  `json:"close"` // e.g. 1380 = 23:00
	WeekdaysOnly bool `json:"weekdays_only,omitempty"`
}

// Member is one person of the resident's own household the resident may put on a 住民票.
type Member struct {
	MemberID     string `json:"member_id"` // opaque; valid in this session only
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Self         bool   `json:"self,omitempty"`
}

// Notice codes.
const (
	NoticeCertExpires = "cert_expires" // At: when the login certificate expires
	NoticeRenewalFrom = "renewal_from" // At: from when renewal is possible (3 months before)
	NoticeRenewalOpen = "renewal_open" // renewal is possible now
)

// Notice is something the kiosk tells the resident beside the service (codes above).
type Notice struct {
	Code string    `json:"code"`
	At   time.Time `json:"at"`
}

// IssueRequest asks for one certificate type in Copies copies.
type IssueRequest struct {
	SessionID string   `json:"session_id"`
	Type      string   `json:"type"`
	Options   []string `json:"options,omitempty"`
	Members   []string `json:"members,omitempty"` // Member.MemberID; empty = the resident alone
	Copies    int      `json:"copies"`
}

// Issuance is the center's answer: the fee and one signed envelope per copy, each bound to the
// session that asked.
type Issuance struct {
	IssuanceID string              `json:"issuance_id"`
	Type       string              `json:"type"`
	FeePerCopy int                 `json:"fee_per_copy"`
	TotalFee   int                 `json:"total_fee"`
	AsOf       time.Time           `json:"as_of"`
	Envelopes  []document.Envelope `json:"envelopes"`
}

// CompletionRecord reports that an issuance was printed and paid.
type CompletionRecord struct {
	IssuanceID string `json:"issuance_id"`
	Printed    int    `json:"printed"` // copies printed
	Paid       int    `json:"paid"`    // yen taken
}

// VoidRecord reports that an issuance will not be (fully) printed; Reason is a technician code
// (printer_jam, binding_mismatch, timeout, cancelled…), never personal data.
type VoidRecord struct {
	IssuanceID string `json:"issuance_id"`
	Reason     string `json:"reason"`
	Printed    int    `json:"printed"`
}

// RefundRecord reports money returned for a voided issuance.
type RefundRecord struct {
	IssuanceID string `json:"issuance_id"`
	Amount     int    `json:"amount"`
}

// SessionRequest names a session (logout, 戸籍 registration).
type SessionRequest struct {
	SessionID string `json:"session_id"`
}

// KosekiRegistration is the answer to a 戸籍証明書交付の利用登録申請: the catalog as it is now.
type KosekiRegistration struct {
	Registered bool          `json:"registered"`
	Catalog    []CatalogItem `json:"catalog"`
}

// Reservation is a PIN-reset reservation (made in the smartphone app in reality).
type Reservation struct {
	ReservationID string    `json:"reservation_id"`
	PIN           string    `json:"pin"` // CertAuth or CertSignature: which PIN it resets
	Expires       time.Time `json:"expires"`
}

// PINResetRequest asks for a reset command for the card that issued CardChallenge (GET CHALLENGE).
type PINResetRequest struct {
	SessionID     string `json:"session_id"`
	ReservationID string `json:"reservation_id,omitempty"` // empty: the resident's open reservation
	PIN           string `json:"pin"`                      // CertAuth or CertSignature
	CardChallenge []byte `json:"card_challenge"`           // 16 bytes
}

// PINResetCommand authorises one reset: the kiosk sends 80 2C 00 Ref with MAC ‖ new PIN.
type PINResetCommand struct {
	ResetID string `json:"reset_id"`
	Ref     byte   `json:"ref"` // pinreset.RefAuthPIN or RefSignaturePIN
	MAC     []byte `json:"mac"`
}

// PINResetResult reports what the card answered to the reset command.
type PINResetResult struct {
	ResetID string `json:"reset_id"`
	OK      bool   `json:"ok"`
	SW      string `json:"sw,omitempty"` // status word in hex when not OK, e.g. "6982"
}

// Record is one outbox record delivered to POST /v1/records. Key is the idempotency key.
type Record struct {
	Kind    string    `json:"kind"`
	Key     string    `json:"key"`
	Created time.Time `json:"created"`
	Payload any       `json:"payload"`
}

// MaxBatchRecords bounds the records of one POST /v1/records/batch.
const MaxBatchRecords = 100

// RecordBatch is POST /v1/records/batch: records that depend on no other record of the batch
// (no two for the same issuance or reset), each with its own idempotency key. The request's own
// Idempotency-Key names the batch; the center commits every accepted record in one transaction.
type RecordBatch struct {
	Records []Record `json:"records"`
}

// RecordResult is the center's answer to one record of a batch, in the batch's order: Status
// "accepted" or "duplicate", or "refused" with the refusal's Code and Message (permanent).
type RecordResult struct {
	Key     string `json:"key"`
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// RecordBatchAnswer is the answer to POST /v1/records/batch.
type RecordBatchAnswer struct {
	Results []RecordResult `json:"results"`
}

// RecordAck is the answer to a delivered record.
type RecordAck struct {
	Status string `json:"status"` // "accepted" or "duplicate"
}

// Health is the answer of GET /v1/health: the center is up, this kiosk's certificate is accepted,
// and the center's clock (the kiosk can warn about skew).
type Health struct {
	Status  string    `json:"status"`
	KioskID string    `json:"kiosk_id"`
	Now     time.Time `json:"now"`
	API     int       `json:"api"`
}

// OK is the answer of calls that return nothing else.
type OK struct {
	Status string `json:"status"`
}

// ErrorBody is the body of every 4xx and 5xx answer.
type ErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Details map[string]string `json:"details,omitempty"`
}
