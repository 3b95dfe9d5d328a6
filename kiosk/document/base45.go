package document

import (
	"errors"
	"fmt"
	"strings"
)

// Base45 (RFC 9285) turns bytes into the 45 characters of a QR code's alphanumeric mode, which
// packs 2 characters in 11 bits: 8.25 bits a byte, nearly as dense as byte mode, and the decoded
// text survives every scanner app and zbarimg unchanged (byte mode gets re-encoded as text by
// many of them). It is small enough to keep in-house rather than take a dependency for it.
const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

var errBase45 = errors.New("invalid base45")

func base45Encode(p []byte) string {
	var b strings.Builder
	b.Grow(len(p)/2*3 + 2)
	for i := 0; i+1 < len(p); i += 2 {
		n := int(p[i])*256 + int(p[i+1])
		b.WriteByte(base45Alphabet[n%45])
		b.WriteByte(base45Alphabet[n/45%45])
		b.WriteByte(base45Alphabet[n/(45*45)])
	}
	if len(p)%2 == 1 {
		n := int(p[len(p)-1])
		b.WriteByte(base45Alphabet[n%45])
		b.WriteByte(base45Alphabet[n/45])
	}
	return b.String()
}

func base45Decode(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, fmt.Errorf("%w: length %d", errBase45, len(s))
	}
	val := func(c byte) (int, error) {
		i := strings.IndexByte(base45Alphabet, c)
		if i < 0 {
			return 0, fmt.Errorf("%w: character %q", errBase45, c)
		}
		return i, nil
	}
	out := make([]byte, 0, len(s)/3*2+1)
	for i := 0; i < len(s); i += 3 {
		n := 0
		m := 1
		k := min(3, len(s)-i)
		for j := 0; j < k; j++ {
			v, err := val(s[i+j])
			if err != nil {
				return nil, err
			}
			n += v * m
			m *= 45
		}
		if k == 3 {
			if n > 0xFFFF {
				return nil, fmt.Errorf("%w: group %q out of range", errBase45, s[i:i+3])
			}
			out = append(out, byte(n>>8), byte(n))
		} else {
			if n > 0xFF {
				return nil, fmt.Errorf("%w: final group %q out of range", errBase45, s[i:])
			}
			out = append(out, byte(n))
		}
	}
	return out, nil
}
