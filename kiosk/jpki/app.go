package jpki

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
)

// Transport sends one command APDU and returns the card's answer, data then SW1 SW2. A transport
// handles its protocol's own status words (61xx GET RESPONSE, 6Cxx resend for T=0) and wraps a
// card leaving the reader with ErrCardRemoved.
type Transport interface {
	Transmit(cmd []byte) ([]byte, error)
}

// AID is the JPKI application's DF name.
var AID = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}

// Short file identifiers of the JPKI application's EFs (the low byte of each FID).
const (
	sfiSignatureCert   = 0x01
	sfiSignatureCACert = 0x02
	sfiToken           = 0x06
	sfiContents        = 0x08
	sfiUserAuthCert    = 0x0A
	sfiUserAuthCACert  = 0x0B
)

// KeyRef names a private key by the reference COMPUTE DIGITAL SIGNATURE takes in P2.
type KeyRef byte

const (
	UserAuthKey  KeyRef = 0x97 // EF 0017, needs the user-auth PIN
	SignatureKey KeyRef = 0x9A // EF 001A, needs the signature PIN
)

// TokenKind is what holds the JPKI application, from the label in EF 0006.
type TokenKind int

const (
	TokenUnknown  TokenKind = iota
	TokenCard               // MyNumber card: JPKIAPICCTOKEN2
	TokenAndroid            // Android smartphone certificate: JPKIAPGPSETOKEN
	TokenIPhone             // iPhone: JPKIAPIOSTOKEN
	TokenJukiCard           // old 住基カード: JPKIAPICCTOKEN
)

var tokenLabels = map[string]TokenKind{
	"JPKIAPICCTOKEN2": TokenCard,
	"JPKIAPGPSETOKEN": TokenAndroid,
	"JPKIAPIOSTOKEN":  TokenIPhone,
	"JPKIAPICCTOKEN":  TokenJukiCard,
}

func (k TokenKind) String() string {
	switch k {
	case TokenCard:
		return "card"
	case TokenAndroid:
		return "android"
	case TokenIPhone:
		return "iphone"
	case TokenJukiCard:
		return "juki-card"
	}
	return "unknown"
}

// App is an open JPKI application on one card. It is not safe for concurrent use: one card, one
// conversation.
type App struct {
	t         Transport
	shortOnly bool // extended length refused once: 256-byte reads for the rest of the session
	apdus     int
}

// Opts tunes an App. The zero value is right for production.
type Opts struct {
	// ShortOnly never tries extended-length READ BINARY (for readers known to refuse it).
	ShortOnly bool
}

// Open selects the JPKI application. A card without it gives ErrNotJPKI.
func Open(t Transport, o *Opts) (*App, error) {
	a := &App{t: t}
	if o != nil {
		a.shortOnly = o.ShortOnly
	}
	if err := a.Reselect(); err != nil {
		return nil, err
	}
	return a, nil
}

// Reselect selects the JPKI application again, which also clears every verified PIN.
func (a *App) Reselect() error {
	cmd := append([]byte{0x00, 0xA4, 0x04, 0x0C, byte(len(AID))}, AID...)
	r, err := a.transmit("select JPKI", cmd)
	if err != nil {
		return err
	}
	if r.sw == swFileNotFound {
		return ErrNotJPKI
	}
	return statusErr("select JPKI", r.sw, 0)
}

// APDUs returns how many commands this App has sent, for the login budget and the probe.
func (a *App) APDUs() int { return a.apdus }

// ShortOnly reports whether reads fall back to 256-byte chunks.
func (a *App) ShortOnly() bool { return a.shortOnly }

func (a *App) transmit(op string, cmd []byte) (response, error) {
	a.apdus++
	raw, err := a.t.Transmit(cmd)
	if err != nil {
		return response{}, fmt.Errorf("%s: %w", op, err)
	}
	r, err := parseResponse(raw)
	if err != nil {
		return response{}, fmt.Errorf("%s: %w", op, err)
	}
	return r, nil
}

// Token reads the token label in EF 0006 and says what holds the application.
func (a *App) Token() (TokenKind, error) {
	r, err := a.transmit("read token info", []byte{0x00, 0xB0, 0x80 | sfiToken, 0x00, 0x20})
	if err != nil {
		return TokenUnknown, err
	}
	if err := statusErr("read token info", r.sw, 0); err != nil {
		return TokenUnknown, err
	}
	label := string(bytes.TrimRight(r.data, " \x00"))
	if k, ok := tokenLabels[label]; ok {
		return k, nil
	}
	return TokenUnknown, fmt.Errorf("read token info: %w: unknown label %q", ErrMalformed, label)
}

// ReadUserAuthCert reads and parses the user-auth certificate (EF 000A). On the Android token
// it needs the user-auth PIN first (ErrSecurityStatus otherwise).
func (a *App) ReadUserAuthCert() (*x509.Certificate, []byte, error) {
	return a.readCert("read user-auth certificate", sfiUserAuthCert)
}

// ReadUserAuthCACert reads the user-auth CA certificate (EF 000B). It comes from the card, so it
// is information, not a trust anchor.
func (a *App) ReadUserAuthCACert() (*x509.Certificate, []byte, error) {
	return a.readCert("read user-auth CA certificate", sfiUserAuthCACert)
}

// ReadSignatureCert reads the signature certificate (EF 0001); it needs the signature PIN.
func (a *App) ReadSignatureCert() (*x509.Certificate, []byte, error) {
	return a.readCert("read signature certificate", sfiSignatureCert)
}

// ReadSignatureCACert reads the signature CA certificate (EF 0002).
func (a *App) ReadSignatureCACert() (*x509.Certificate, []byte, error) {
	return a.readCert("read signature CA certificate", sfiSignatureCACert)
}

func (a *App) readCert(op string, sfi byte) (*x509.Certificate, []byte, error) {
	der, err := a.readObject(op, sfi)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %v", op, ErrMalformed, err)
	}
	return c, der, nil
}

// maxObject bounds what a DER header may claim: certificates are about 1.6 KB.
const maxObject = 16 << 10

// readObject reads one DER object from an EF: its length comes from its own header, never from
// the end of the file (EFs may hold filler after it).
func (a *App) readObject(op string, sfi byte) ([]byte, error) {
	var buf []byte
	if !a.shortOnly {
		// One extended READ BINARY by short file id asks for everything up to 65,536 bytes.
		r, err := a.transmit(op, []byte{0x00, 0xB0, 0x80 | sfi, 0x00, 0x00, 0x00, 0x00})
		switch {
		case err != nil && (errors.Is(err, ErrCardRemoved) || errors.Is(err, ErrMalformed)):
			return nil, err
		case err != nil:
			// Some readers fail the exchange outright instead of answering 6700.
			a.shortOnly = true
		case r.sw == swWrongLength || r.sw&0xFF00 == 0x6C00:
			a.shortOnly = true
		case r.sw == swOK || r.sw == swEndOfFileWarning:
			buf = r.data
		default:
			return nil, statusErr(op, r.sw, 0)
		}
	}
	if buf == nil {
		r, err := a.transmit(op, []byte{0x00, 0xB0, 0x80 | sfi, 0x00, 0x00})
		if err != nil {
			return nil, err
		}
		if r.sw != swOK && r.sw != swEndOfFileWarning {
			return nil, statusErr(op, r.sw, 0)
		}
		if len(r.data) > 256 {
			return nil, fmt.Errorf("%s: %w: %d bytes for a 256-byte read", op, ErrMalformed, len(r.data))
		}
		buf = r.data
	}
	total, err := derLength(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if total > maxObject {
		return nil, fmt.Errorf("%s: %w: object of %d bytes", op, ErrMalformed, total)
	}
	for len(buf) < total {
		off := len(buf)
		if off > 0x7FFF {
			return nil, fmt.Errorf("%s: %w: offset %d beyond READ BINARY's range", op, ErrMalformed, off)
		}
		want := total - off
		if want > 256 {
			want = 256
		}
		// The SFI read made this EF current, so offsets address it from here on.
		r, err := a.transmit(op, []byte{0x00, 0xB0, byte(off >> 8), byte(off), byte(want)})
		if err != nil {
			return nil, err
		}
		if r.sw == swOffsetBeyondEnd {
			return nil, fmt.Errorf("%s: %w: file ends at %d, object needs %d", op, ErrMalformed, off, total)
		}
		if r.sw != swOK && r.sw != swEndOfFileWarning {
			return nil, statusErr(op, r.sw, 0)
		}
		// Inside the object every read must be answered in full: a short answer means the
		// file ends before the object does.
		if len(r.data) != want {
			return nil, fmt.Errorf("%s: %w: %d bytes for a %d-byte read", op, ErrMalformed, len(r.data), want)
		}
		buf = append(buf, r.data...)
	}
	return buf[:total:total], nil
}

// derLength returns the total length (header and content) of the DER object b starts with. b
// may hold only the start of the object. Only definite lengths up to 3 length bytes are accepted.
func derLength(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, fmt.Errorf("%w: %d bytes, too short for a DER header", ErrMalformed, len(b))
	}
	if b[0]&0x1F == 0x1F {
		return 0, fmt.Errorf("%w: multi-byte DER tag", ErrMalformed)
	}
	l := int(b[1])
	if l < 0x80 {
		return 2 + l, nil
	}
	n := l & 0x7F
	if n == 0 || n > 3 {
		return 0, fmt.Errorf("%w: DER length with %d length bytes", ErrMalformed, n)
	}
	if len(b) < 2+n {
		return 0, fmt.Errorf("%w: DER header cut short", ErrMalformed)
	}
	l = 0
	for _, c := range b[2 : 2+n] {
		l = l<<8 | int(c)
	}
	if l < 0x80 || (n > 1 && l < 1<<(8*(n-1))) {
		return 0, fmt.Errorf("%w: non-minimal DER length", ErrMalformed)
	}
	return 2 + n + l, nil
}

// Tries asks how many tries the PIN has left without spending one (VERIFY with no data). 0 means
// blocked.
func (a *App) Tries(ref PINRef) (int, error) {
	op := "tries left for " + ref.String()
	r, err := a.transmit(op, []byte{0x00, 0x20, 0x00, byte(ref)})
	if err != nil {
		return 0, err
	}
	switch {
	case r.sw&0xFFF0 == 0x63C0:
		return int(r.sw & 0x0F), nil
	case r.sw == swRefDataBlocked || r.sw == swAuthBlocked:
		return 0, nil
	case r.sw == swOK:
		// Some cards answer 9000 once the PIN is verified in this session: the counter is full.
		return ref.MaxTries(), nil
	}
	return 0, statusErr(op, r.sw, ref)
}

// Verify presents p to the card and zeroes it (and the command buffer) whatever happens. A wrong
// PIN gives *PINError with the tries left; the try that exhausts the counter, or any try on a
// blocked PIN, gives ErrBlocked.
func (a *App) Verify(p PIN) error {
	if p == nil {
		return ErrPINUsed
	}
	defer p.Zero()
	b := p.bytes()
	if b == nil {
		return ErrPINUsed
	}
	op := "verify " + p.Ref().String()
	cmd := make([]byte, 0, 5+len(b))
	cmd = append(cmd, 0x00, 0x20, 0x00, byte(p.Ref()), byte(len(b)))
	cmd = append(cmd, b...)
	r, err := a.transmit(op, cmd)
	clear(cmd)
	if err != nil {
		return err
	}
	return statusErr(op, r.sw, p.Ref())
}

// SHA256DigestInfo is the DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1).
var sha256DigestInfoPrefix = []byte{0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// DigestInfoSHA256 wraps a SHA-256 digest for Sign.
func DigestInfoSHA256(digest [sha256.Size]byte) []byte {
	return append(append([]byte{}, sha256DigestInfoPrefix...), digest[:]...)
}

// Sign has the card sign digestInfo (a DER DigestInfo) with key; the card adds PKCS#1 v1.5
// padding. The matching PIN must be verified in this session (ErrSecurityStatus otherwise). The
// result is a 256-byte RSA-2048 signature that verifies with rsa.VerifyPKCS1v15.
func (a *App) Sign(key KeyRef, digestInfo []byte) ([]byte, error) {
	op := "sign"
	if len(digestInfo) == 0 || len(digestInfo) > 245 {
		return nil, fmt.Errorf("%s: %d bytes to sign, the card takes 1 to 245", op, len(digestInfo))
	}
	cmd := make([]byte, 0, 6+len(digestInfo))
	cmd = append(cmd, 0x80, 0x2A, 0x00, byte(key), byte(len(digestInfo)))
	cmd = append(cmd, digestInfo...)
	cmd = append(cmd, 0x00)
	r, err := a.transmit(op, cmd)
	if err != nil {
		return nil, err
	}
	if err := statusErr(op, r.sw, 0); err != nil {
		return nil, err
	}
	if len(r.data) != 256 {
		return nil, fmt.Errorf("%s: %w: %d-byte signature, want 256", op, ErrMalformed, len(r.data))
	}
	return r.data, nil
}

// ChangePIN verifies old and then sets next as the same PIN's new value (CHANGE REFERENCE DATA).
// Both PINs are zeroed whatever happens.
func (a *App) ChangePIN(old, next PIN) error {
	defer next.Zero()
	if old == nil || next == nil || old.Ref() != next.Ref() {
		if old != nil {
			old.Zero()
		}
		return fmt.Errorf("change PIN: old and new PIN must be of the same kind")
	}
	if err := a.Verify(old); err != nil {
		return fmt.Errorf("change PIN: %w", err)
	}
	b := next.bytes()
	if b == nil {
		return ErrPINUsed
	}
	op := "change " + next.Ref().String()
	cmd := make([]byte, 0, 5+len(b))
	cmd = append(cmd, 0x00, 0x24, 0x01, byte(next.Ref()), byte(len(b)))
	cmd = append(cmd, b...)
	r, err := a.transmit(op, cmd)
	clear(cmd)
	if err != nil {
		return err
	}
	return statusErr(op, r.sw, next.Ref())
}

// Contents reads EF 0008, which says which certificates the token holds (a child's card has no
// signature certificate).
func (a *App) Contents() (userAuth, signature bool, err error) {
	op := "read certificate list"
	r, err := a.transmit(op, []byte{0x00, 0xB0, 0x80 | sfiContents, 0x00, 0x03})
	if err != nil {
		return false, false, err
	}
	if err := statusErr(op, r.sw, 0); err != nil {
		return false, false, err
	}
	if len(r.data) != 3 {
		return false, false, fmt.Errorf("%s: %w: %d bytes, want 3", op, ErrMalformed, len(r.data))
	}
	return r.data[1] != 0, r.data[0] != 0, nil
}
