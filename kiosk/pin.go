package kiosk

import "crypto/subtle"

// maxPIN is the longest PIN of any kind (the signature PIN: 16 characters).
const maxPIN = 16

// PINBuffer holds a PIN while it is typed. It is the one mutable thing in State: Step appends to
// it in place so that no copy of a PIN is ever made, and hands the buffer over in the effect that
// needs it (VerifyPIN, ApplyReset), after which State no longer refers to it and the Runner zeroes
// it as soon as the card call returns. A State must therefore not be reused after it was passed
// to Step.
type PINBuffer struct {
	b [maxPIN]byte
	n int
}

// Len is how many characters were typed: the screen shows that many dots, never the characters.
func (p *PINBuffer) Len() int {
	if p == nil {
		return 0
	}
	return p.n
}

// Bytes is the PIN as ASCII for the card. The slice aliases the buffer: it is zero after Zero.
func (p *PINBuffer) Bytes() []byte { return p.b[:p.n] }

// Zero overwrites the PIN. Safe on nil.
func (p *PINBuffer) Zero() {
	if p == nil {
		return
	}
	for i := range p.b {
		p.b[i] = 0
	}
	p.n = 0
}

// IsZero reports whether the buffer holds no PIN byte (tests use it to prove zeroing).
func (p *PINBuffer) IsZero() bool {
	for _, c := range p.b {
		if c != 0 {
			return false
		}
	}
	return p.n == 0
}

func (p *PINBuffer) push(c byte) bool {
	if p.n >= maxPIN {
		return false
	}
	p.b[p.n] = c
	p.n++
	return true
}

func (p *PINBuffer) pop() {
	if p.n > 0 {
		p.n--
		p.b[p.n] = 0
	}
}

func (p *PINBuffer) equal(o *PINBuffer) bool {
	return p.n == o.n && subtle.ConstantTimeCompare(p.b[:p.n], o.b[:o.n]) == 1
}

// PINRules is the live feedback while a new PIN is typed (domain.md §1).
type PINRules struct {
	Kind      PINKind
	LengthOK  bool // 4 digits; or 6–16 characters
	HasLetter bool // signature PIN: at least one A-Z
	HasDigit  bool // signature PIN: at least one 0-9
}

// OK reports whether every rule holds.
func (r PINRules) OK() bool {
	if r.Kind == UserAuthPIN {
		return r.LengthOK
	}
	return r.LengthOK && r.HasLetter && r.HasDigit
}

func rulesOf(kind PINKind, p *PINBuffer) PINRules {
	r := PINRules{Kind: kind}
	n := p.Len()
	if n > 0 {
		for _, c := range p.b[:n] {
			switch {
			case c >= '0' && c <= '9':
				r.HasDigit = true
			case c >= 'A' && c <= 'Z':
				r.HasLetter = true
			}
		}
	}
	if kind == UserAuthPIN {
		r.LengthOK = n == 4 && !r.HasLetter
	} else {
		r.LengthOK = n >= 6 && n <= 16
	}
	return r
}

// acceptKey reports whether key may be typed into a PIN of kind that has n characters, and the
// byte to store (lower case is upper-cased for the signature PIN, domain.md §1).
func acceptKey(kind PINKind, n int, key rune) (byte, bool) {
	if kind == UserAuthPIN {
		return byte(key), n < 4 && key >= '0' && key <= '9'
	}
	if key >= 'a' && key <= 'z' {
		key -= 'a' - 'A'
	}
	ok := n < 16 && ((key >= '0' && key <= '9') || (key >= 'A' && key <= 'Z'))
	return byte(key), ok
}
