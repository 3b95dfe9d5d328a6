package jpki

import (
	"errors"
	"fmt"
)

// Sentinel errors for card states a caller must act on.
var (
	// ErrBlocked: the PIN's counter is exhausted (63C0 on the last wrong try, then 6984 or 6983).
	// Only the municipal counter or the kiosk PIN reset undoes it.
	ErrBlocked = errors.New("jpki: PIN is blocked")
	// ErrSecurityStatus: the operation needs a PIN that is not verified in this session (6982).
	ErrSecurityStatus = errors.New("jpki: security status not satisfied")
	// ErrFileNotFound: the application or file does not exist on this card (6A82).
	ErrFileNotFound = errors.New("jpki: file or application not found")
	// ErrNotJPKI: the card has no JPKI application: not a MyNumber card.
	ErrNotJPKI = errors.New("jpki: not a MyNumber card (no JPKI application)")
	// ErrCardRemoved: the card left the reader. Transports wrap their own removal errors with it;
	// nothing half-read is ever returned with it.
	ErrCardRemoved = errors.New("jpki: card removed")
	// ErrMalformed: the card's answer does not parse (too short, bad DER, wrong length).
	ErrMalformed = errors.New("jpki: malformed card answer")
	// ErrWrongLength: the card refused the command's length (6700, 6Cxx).
	ErrWrongLength = errors.New("jpki: wrong length")
	// ErrConditions: conditions of use not satisfied (6985), e.g. a reset without a challenge.
	ErrConditions = errors.New("jpki: conditions of use not satisfied")
	// ErrRefusedData: the card refused the data field (6A80), e.g. a new PIN that breaks its rules.
	ErrRefusedData = errors.New("jpki: data refused by the card")
)

// PINError is a wrong PIN with tries left. Remaining is how many tries are left (≥ 1); the try that
// exhausts the counter is ErrBlocked instead.
type PINError struct {
	Ref       PINRef
	Remaining int
}

func (e *PINError) Error() string {
	return fmt.Sprintf("jpki: wrong %s, %d tries left", e.Ref, e.Remaining)
}

// StatusError is any other status word, kept for the log and the technician.
type StatusError struct {
	Op string
	SW uint16
}

func (e *StatusError) Error() string { return fmt.Sprintf("jpki: %s: status %04X", e.Op, e.SW) }

// Status words this package names.
const (
	swOK               = 0x9000
	swEndOfFileWarning = 0x6282
	swWrongLength      = 0x6700
	swInternalEF       = 0x6981
	swSecurityStatus   = 0x6982
	swAuthBlocked      = 0x6983
	swRefDataBlocked   = 0x6984
	swConditions       = 0x6985
	swWrongData        = 0x6A80
	swFileNotFound     = 0x6A82
	swWrongP1P2        = 0x6A86
	swOffsetBeyondEnd  = 0x6B00
	swINSNotSupported  = 0x6D00
	swCLANotSupported  = 0x6E00
)

// response is a card's answer split into data and status word.
type response struct {
	data []byte
	sw   uint16
}

func parseResponse(raw []byte) (response, error) {
	if len(raw) < 2 {
		return response{}, fmt.Errorf("%w: %d-byte answer, need at least a status word", ErrMalformed, len(raw))
	}
	n := len(raw) - 2
	return response{data: raw[:n], sw: uint16(raw[n])<<8 | uint16(raw[n+1])}, nil
}

// statusErr turns a status word into the error a caller acts on; nil for 9000. op names the
// command for context; ref is the PIN a VERIFY was about (0 otherwise).
func statusErr(op string, sw uint16, ref PINRef) error {
	switch {
	case sw == swOK:
		return nil
	case sw&0xFFF0 == 0x63C0:
		if n := int(sw & 0x0F); n > 0 {
			return &PINError{Ref: ref, Remaining: n}
		}
		return fmt.Errorf("%s: %w", op, ErrBlocked)
	case sw == swRefDataBlocked || sw == swAuthBlocked:
		return fmt.Errorf("%s: %w", op, ErrBlocked)
	case sw == swSecurityStatus:
		return fmt.Errorf("%s: %w", op, ErrSecurityStatus)
	case sw == swFileNotFound:
		return fmt.Errorf("%s: %w", op, ErrFileNotFound)
	case sw == swWrongLength || sw&0xFF00 == 0x6C00:
		return fmt.Errorf("%s: %w (%04X)", op, ErrWrongLength, sw)
	case sw == swConditions:
		return fmt.Errorf("%s: %w", op, ErrConditions)
	case sw == swWrongData:
		return fmt.Errorf("%s: %w", op, ErrRefusedData)
	}
	return &StatusError{Op: op, SW: sw}
}
