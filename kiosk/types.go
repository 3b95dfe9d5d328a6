package kiosk

import (
	"crypto/subtle"
	"time"
)

// TokenKind is what answered on the reader, from the JPKI token label (domain.md §2, §6).
type TokenKind int

const (
	TokenUnknown TokenKind = iota
	TokenCard              // MyNumber card: JPKIAPICCTOKEN2
	TokenAndroid           // Android phone: user-auth certificate readable only after the PIN
	TokenIPhone            // iPhone: Face ID on the phone, no PIN typed at the kiosk
)

func (t TokenKind) String() string {
	switch t {
	case TokenCard:
		return "card"
	case TokenAndroid:
		return "android"
	case TokenIPhone:
		return "iphone"
	}
	return "unknown"
}

// PINKind names one of the two JPKI PINs and, with it, the certificate and key it unlocks.
type PINKind int

const (
	UserAuthPIN  PINKind = iota // 4 digits, 3 tries; user-auth certificate and key
	SignaturePIN                // 6–16 A-Z0-9, 5 tries; signature certificate and key
)

func (k PINKind) String() string {
	if k == SignaturePIN {
		return "signature"
	}
	return "auth"
}

// CertInfo is what the machine needs of a certificate: its bytes for the center, its digest for
// the document binding, and its dates for the expiry notice. DER of a signature certificate holds
// personal data; it lives only in the transaction.
type CertInfo struct {
	DER       []byte
	SHA256    [32]byte
	NotAfter  time.Time
	RenewFrom time.Time // 3 months before NotAfter (domain.md §1)
}

// CardInfo is the answer to ReadCard: which token, the user-auth certificate when it is readable
// without a PIN (nil on the Android token), and the tries left on the PIN asked about.
type CardInfo struct {
	Token            TokenKind
	AuthCert         *CertInfo
	HasAuthCert      bool // EF 0008 says a user-auth certificate exists
	HasSignatureCert bool // EF 0008 says a signature certificate exists
	TriesLeft        int  // of the PIN ReadCard asked about; 0 = blocked
}

// VerifyResult is the card's answer to VERIFY.
type VerifyResult struct {
	OK        bool
	TriesLeft int // after this try
	Blocked   bool
}

// Challenge is the center's login challenge; the card signs it and the documents of the login
// are bound to Nonce.
type Challenge struct {
	ID    string
	Nonce []byte
}

// Municipality names the resident's municipality.
type Municipality struct {
	Code string
	Name string
}

// Offer is one certificate type as the resident can have it now (the center's catalog item).
type Offer struct {
	Type      string   // document.Type* code
	Options   []string // option codes the resident may choose
	Fee       int      // yen per copy
	MaxCopies int
	PerPerson bool   // members of the household are chosen (住民票の写し, 記載事項証明書)
	Available bool   // false: shown greyed with Refusal
	Refusal   string // refusal code when not available
}

// Member is one person of the resident's household the resident may put on a certificate.
// Name is personal data: it lives only in the transaction.
type Member struct {
	ID           string
	Name         string
	Relationship string
	Self         bool
}

// Notice is something the center tells the resident beside the service.
type Notice struct {
	Code string // center notice code
	At   time.Time
}

// Reservation is an open PIN-reset reservation.
type Reservation struct {
	ID      string
	PIN     PINKind // which PIN it resets
	Expires time.Time
}

// Session is an open login at the center.
type Session struct {
	ID                 string
	Municipality       Municipality
	Catalog            []Offer
	Members            []Member
	Notices            []Notice
	KosekiRegistration bool         // 本籍 is elsewhere and the resident may register for 戸籍 items
	Reservation        *Reservation // PIN-reset logins
}

// IssueRequest asks the center for one certificate type in Copies copies.
type IssueRequest struct {
	SessionID      string
	IdempotencyKey string
	Type           string
	Options        []string
	Members        []string // Member.ID; empty = the resident alone
	Copies         int
}

// Issuance is the center's answer: one signed envelope per copy, not yet trusted.
type Issuance struct {
	ID         string
	Type       string
	FeePerCopy int
	TotalFee   int
	Envelopes  []Envelope
}

// ResetCommand authorises one PIN reset on one card (kiosk/jpki/pinreset); the kiosk relays it.
type ResetCommand struct {
	ID  string
	Ref byte
	MAC []byte
}

// Binding names what a document must be bound to: this session, this login's challenge nonce and
// this login certificate.
type Binding struct {
	SessionID  string
	Nonce      []byte
	CertSHA256 [32]byte
}

// Equal compares two bindings; the secret-ish parts in constant time.
func (b Binding) Equal(o Binding) bool {
	return b.SessionID == o.SessionID && len(b.Nonce) > 0 &&
		subtle.ConstantTimeCompare(b.Nonce, o.Nonce) == 1 &&
		subtle.ConstantTimeCompare(b.CertSHA256[:], o.CertSHA256[:]) == 1
}

// Service is what the resident came for, chosen before the card is placed.
type Service int

const (
	ServiceNone              Service = iota
	ServiceCertificates              // 証明書の交付 (and 戸籍 use registration from the menu)
	ServiceResetSignaturePIN         // reset the signature PIN, knowing the 4-digit PIN
	ServiceResetUserPIN              // the mirror: reset the 4-digit PIN, knowing the signature PIN
)

// known is the PIN the resident types to log in for s; reset the one a reset service rewrites.
func (s Service) known() PINKind {
	if s == ServiceResetUserPIN {
		return SignaturePIN
	}
	return UserAuthPIN
}

func (s Service) reset() PINKind {
	if s == ServiceResetUserPIN {
		return UserAuthPIN
	}
	return SignaturePIN
}

func (s Service) String() string {
	switch s {
	case ServiceCertificates:
		return "certificates"
	case ServiceResetSignaturePIN:
		return "reset_signature_pin"
	case ServiceResetUserPIN:
		return "reset_user_pin"
	}
	return "none"
}

// ParseService is the inverse of Service.String, for taps and scripts.
func ParseService(s string) (Service, bool) {
	for _, v := range []Service{ServiceCertificates, ServiceResetSignaturePIN, ServiceResetUserPIN} {
		if v.String() == s {
			return v, true
		}
	}
	return ServiceNone, false
}
