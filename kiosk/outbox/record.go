package outbox

import (
	"errors"
	"fmt"
	"time"
)

// Kind says what a kiosk promised the center. The set is closed: Append refuses any other kind.
type Kind string

const (
	KindCompletion         Kind = "completion"          // certificates printed and paid; the fee is earned
	KindVoid               Kind = "void"                // an issuance not (fully) printed
	KindRefund             Kind = "refund"              // money given back for a voided issuance
	KindRefundOwed         Kind = "refund_owed"         // money the cashbox could not give back
	KindPINReset           Kind = "pin_reset_result"    // the result of a signature-PIN reset relayed to the card
	KindBindingMismatch    Kind = "binding_mismatch"    // a document that failed its binding check (domain.md §7)
	KindKosekiRegistration Kind = "koseki_registration" // a family-register route registration (利用登録申請)
	KindFault              Kind = "fault"               // a device or integrity fault the center must know about
	KindCashReport         Kind = "cash_report"         // a cashbox count reported by a technician
)

// Kinds lists every record kind Append accepts.
var Kinds = []Kind{KindCompletion, KindVoid, KindRefund, KindRefundOwed, KindPINReset,
	KindBindingMismatch, KindKosekiRegistration, KindFault, KindCashReport}

func (k Kind) valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// ID is an opaque identifier issued by the center or the kiosk (session, issuance, reservation,
// payment, idempotency key). It is 6–128 characters from [A-Za-z0-9._:-] (the center's
// Idempotency-Key alphabet) and holds at least one digit, so a name, an address, a 4-digit PIN or
// any text with spaces or Japanese characters cannot be an ID.
type ID string

// Code is a machine code from one of the project's closed lists (refusal codes, certificate type
// codes, fault codes, device names): 1–40 characters from [a-z0-9_], starting with a letter.
type Code string

// Payload is what a record or a journal entry says. It holds ids, yen amounts, codes and counts
// only: there is no free-text field, and every string field is validated as an ID, a Code or a
// municipality code. This is what "no personal data by construction" means in this package.
//
// Which fields a kind uses:
//   - completion: TransactionID, SessionID, IssuanceID, Municipality, CertType, Copies, Printed,
//     Pages, AmountYen, PaymentID
//   - void:       TransactionID, IssuanceID, Printed, Code (the reason), AmountYen
//   - refund, refund_owed: TransactionID, IssuanceID, PaymentID, AmountYen, Code (the reason)
//   - pin_reset_result: TransactionID, ReservationID, Code ("ok" or a refusal code), SW
//   - binding_mismatch: TransactionID, SessionID, IssuanceID, Code
//   - koseki_registration: TransactionID, Municipality, Code
//   - fault:      Component, Code, Count, SessionID when a session was running
//   - cash_report: AmountYen, Count
type Payload struct {
	TransactionID ID     `json:"txn,omitempty"`
	SessionID     ID     `json:"session_id,omitempty"`
	IssuanceID    ID     `json:"issuance_id,omitempty"`
	ReservationID ID     `json:"reservation_id,omitempty"`
	PaymentID     ID     `json:"payment_id,omitempty"`
	Municipality  string `json:"municipality,omitempty"` // 6-digit 全国地方公共団体コード
	CertType      Code   `json:"cert_type,omitempty"`
	Component     Code   `json:"component,omitempty"` // printer, card_reader, cashbox, a screen, …
	Code          Code   `json:"code,omitempty"`      // reason, result or fault code
	SW            string `json:"sw,omitempty"`        // a card status word, 4 hex digits ("63C2")
	Copies        int    `json:"copies,omitempty"`
	Printed       int    `json:"printed,omitempty"` // copies actually printed
	Pages         int    `json:"pages,omitempty"`
	Count         int    `json:"count,omitempty"`
	AmountYen     int64  `json:"amount_yen,omitempty"`
}

// Record is one promise to the center. Key is the idempotency key the center deduplicates on;
// Created is when the kiosk made the promise.
type Record struct {
	Kind    Kind      `json:"kind"`
	Key     ID        `json:"key"`
	Created time.Time `json:"created"`
	Payload Payload   `json:"payload"`
}

// ErrInvalid is wrapped by every validation error: the record or entry was not stored.
var ErrInvalid = errors.New("invalid record")

// validID: 6–128 of [A-Za-z0-9._:-] with a digit, and not shaped like a 個人番号 (exactly 12
// digits, with or without the usual separators): an id is never a person's number.
func validID(s ID) bool {
	if len(s) < 6 || len(s) > 128 || myNumberShaped(string(s)) {
		return false
	}
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return digit
}

// myNumberShaped reports whether s is 12 digits, alone or in groups of 4 split by '-' or '.'.
func myNumberShaped(s string) bool {
	d := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d++
		case (c == '-' || c == '.') && d > 0 && d%4 == 0:
		default:
			return false
		}
	}
	return d == 12
}

func validCode(s Code) bool {
	if len(s) == 0 || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Validate reports the first field that does not have the shape its type promises.
func (p Payload) Validate() error {
	for _, f := range []struct {
		name string
		v    ID
	}{{"txn", p.TransactionID}, {"session_id", p.SessionID}, {"issuance_id", p.IssuanceID}, {"reservation_id", p.ReservationID}, {"payment_id", p.PaymentID}} {
		if f.v != "" && !validID(f.v) {
			return fmt.Errorf("%w: %s is not an id (6-128 of [A-Za-z0-9._:-] with a digit)", ErrInvalid, f.name)
		}
	}
	if p.Municipality != "" {
		ok := len(p.Municipality) == 6
		for i := 0; ok && i < 6; i++ {
			ok = p.Municipality[i] >= '0' && p.Municipality[i] <= '9'
		}
		if !ok {
			return fmt.Errorf("%w: municipality is not a 6-digit code", ErrInvalid)
		}
	}
	for _, f := range []struct {
		name string
		v    Code
	}{{"cert_type", p.CertType}, {"component", p.Component}, {"code", p.Code}} {
		if f.v != "" && !validCode(f.v) {
			return fmt.Errorf("%w: %s is not a code (1-40 of [a-z0-9_])", ErrInvalid, f.name)
		}
	}
	if p.SW != "" {
		ok := len(p.SW) == 4
		for i := 0; ok && i < 4; i++ {
			c := p.SW[i]
			ok = c >= '0' && c <= '9' || c >= 'A' && c <= 'F'
		}
		if !ok {
			return fmt.Errorf("%w: sw is not 4 upper-case hex digits", ErrInvalid)
		}
	}
	if p.Copies < 0 || p.Printed < 0 || p.Pages < 0 || p.Count < 0 || p.AmountYen < 0 {
		return fmt.Errorf("%w: negative count or amount", ErrInvalid)
	}
	return nil
}

// Validate checks the kind, the key, the creation time and the payload.
func (r Record) Validate() error {
	if !r.Kind.valid() {
		return fmt.Errorf("%w: unknown kind %q", ErrInvalid, r.Kind)
	}
	if !validID(r.Key) {
		return fmt.Errorf("%w: key is not an id (6-128 of [A-Za-z0-9._:-] with a digit)", ErrInvalid)
	}
	if r.Created.IsZero() {
		return fmt.Errorf("%w: no creation time", ErrInvalid)
	}
	if err := r.Payload.Validate(); err != nil {
		return fmt.Errorf("%s %s: %w", r.Kind, r.Key, err)
	}
	return nil
}

// IsID reports whether s has the shape of an ID (callers mapping their own records use it).
func IsID(s string) bool { return validID(ID(s)) }

// IsCode reports whether s has the shape of a Code.
func IsCode(s string) bool { return validCode(Code(s)) }
