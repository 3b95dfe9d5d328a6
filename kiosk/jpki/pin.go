package jpki

import (
	"errors"
	"fmt"
)

// PINRef names one of the card's two PINs by the key reference VERIFY takes in P2.
type PINRef byte

const (
	AuthPINRef      PINRef = 0x98 // 利用者証明用 PIN, EF 0018: 4 digits, 3 tries
	SignaturePINRef PINRef = 0x9B // 署名用パスワード, EF 001B: 6–16 A-Z0-9, 5 tries
)

func (r PINRef) String() string {
	switch r {
	case AuthPINRef:
		return "user-auth PIN"
	case SignaturePINRef:
		return "signature PIN"
	}
	return fmt.Sprintf("PIN ref %02X", byte(r))
}

// MaxTries is the counter a PIN starts with and returns to after a correct try.
func (r PINRef) MaxTries() int {
	if r == SignaturePINRef {
		return 5
	}
	return 3
}

// ErrPINFormat wraps every PIN-rule violation; PINRuleError says which rule.
var ErrPINFormat = errors.New("jpki: PIN breaks its rules")

// PINRuleError says which rule a typed PIN breaks. It carries no PIN bytes.
type PINRuleError struct {
	Ref  PINRef
	Rule string // "length", "digits", "charset", "letter", "digit"
}

func (e *PINRuleError) Error() string {
	return fmt.Sprintf("jpki: %s breaks the %q rule", e.Ref, e.Rule)
}
func (e *PINRuleError) Unwrap() error { return ErrPINFormat }

// pin is what both PIN kinds share: bytes owned by the PIN, zeroed by Zero.
type pin struct{ b []byte }

// Zero overwrites the PIN's bytes. A zeroed PIN cannot be sent again.
func (p *pin) Zero() {
	if p == nil {
		return
	}
	for i := range p.b {
		p.b[i] = 0
	}
	p.b = nil
}

func (p *pin) used() bool { return p == nil || p.b == nil }

// AuthPIN is a well-formed 4-digit user-auth PIN.
type AuthPIN struct{ pin }

// NewAuthPIN takes ownership of b (the keypad's buffer) and checks it is exactly four digits.
// On error b is zeroed too: a malformed PIN is never kept and never sent.
func NewAuthPIN(b []byte) (*AuthPIN, error) {
	p := &AuthPIN{pin{b}}
	if len(b) != 4 {
		p.Zero()
		return nil, &PINRuleError{Ref: AuthPINRef, Rule: "length"}
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			p.Zero()
			return nil, &PINRuleError{Ref: AuthPINRef, Rule: "digits"}
		}
	}
	return p, nil
}

// SignaturePINRules is the live feedback a PIN-entry screen shows while the resident types.
type SignaturePINRules struct {
	Length    bool // 6 to 16 characters
	Charset   bool // only A–Z and 0–9 (lower case counts as upper case)
	HasLetter bool
	HasDigit  bool
}

// OK reports whether every rule holds.
func (r SignaturePINRules) OK() bool { return r.Length && r.Charset && r.HasLetter && r.HasDigit }

// CheckSignaturePIN evaluates the signature-PIN rules on b without keeping or changing it.
func CheckSignaturePIN(b []byte) SignaturePINRules {
	r := SignaturePINRules{Length: len(b) >= 6 && len(b) <= 16, Charset: true}
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r.HasDigit = true
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			r.HasLetter = true
		default:
			r.Charset = false
		}
	}
	return r
}

// SignaturePIN is a well-formed signature PIN (6–16 characters of A–Z and 0–9 with at least one
// letter and one digit), upper-cased.
type SignaturePIN struct{ pin }

// NewSignaturePIN takes ownership of b, upper-cases it in place and checks the rules. On error b
// is zeroed.
func NewSignaturePIN(b []byte) (*SignaturePIN, error) {
	p := &SignaturePIN{pin{b}}
	r := CheckSignaturePIN(b)
	if !r.OK() {
		p.Zero()
		rule := "length"
		switch {
		case !r.Length:
		case !r.Charset:
			rule = "charset"
		case !r.HasLetter:
			rule = "letter"
		default:
			rule = "digit"
		}
		return nil, &PINRuleError{Ref: SignaturePINRef, Rule: rule}
	}
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return p, nil
}

// PIN is either kind of PIN; App methods that take any PIN accept it.
type PIN interface {
	Ref() PINRef
	Zero()
	bytes() []byte
}

func (p *AuthPIN) Ref() PINRef      { return AuthPINRef }
func (p *AuthPIN) bytes() []byte    { return p.b }
func (p *SignaturePIN) Ref() PINRef { return SignaturePINRef }
func (p *SignaturePIN) bytes() []byte {
	return p.b
}

// ErrPINUsed: the PIN was already sent (and zeroed); type it again.
var ErrPINUsed = errors.New("jpki: PIN already used and zeroed")
