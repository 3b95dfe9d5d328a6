package jpkisim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"

	"certkiosk/kiosk/jpki/pinreset"
)

// ATR is the contact ATR OpenSC's jpki driver knows (T=1, no historical bytes).
var ATR = []byte{0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14}

// aid is the JPKI application's DF name.
var aid = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}

// EF identifiers.
const (
	efSigCert    = 0x0001
	efSigCACert  = 0x0002
	efToken      = 0x0006
	efCertsExist = 0x0008
	efAuthCert   = 0x000A
	efAuthCACert = 0x000B
	efAuthKey    = 0x0017
	efAuthPIN    = 0x0018
	efSigKey     = 0x001A
	efSigPIN     = 0x001B
)

var tokenLabel = map[string]string{
	TokenCard:    "JPKIAPICCTOKEN2",
	TokenAndroid: "JPKIAPGPSETOKEN",
	TokenIPhone:  "JPKIAPIOSTOKEN",
}

// Opts changes how the card behaves, for tests of the client's fallbacks.
type Opts struct {
	NoExtended bool // answer 6700 to every extended-length command, like some readers
	Filler     int  // bytes of 0xFF after each certificate in its EF
}

type pinState struct {
	value    []byte
	tries    int
	max      int
	verified bool
	format   func([]byte) bool
}

// Card is one simulated card. Its methods are safe for concurrent use.
type Card struct {
	mu       sync.Mutex
	token    string
	files    map[uint16][]byte
	authKey  *rsa.PrivateKey
	sigKey   *rsa.PrivateKey
	certHash []byte // SHA-256 of the user-auth certificate: the reset stand-in binds to it
	resetKey []byte
	auth     pinState
	sig      pinState
	opts     Opts

	selected  bool
	curEF     uint16
	challenge []byte
	apdus     int
}

// New personalises a card from p.
func New(p Profile, o *Opts) (*Card, error) {
	c := &Card{token: p.Token, files: map[uint16][]byte{}, resetKey: p.ResetKey}
	if o != nil {
		c.opts = *o
	}
	if c.token == "" {
		c.token = TokenCard
	}
	label, ok := tokenLabel[c.token]
	if !ok {
		return nil, fmt.Errorf("jpkisim: unknown token kind %q", p.Token)
	}
	if len(p.AuthCert) == 0 || len(p.AuthKey) == 0 {
		return nil, errors.New("jpkisim: profile has no user-auth certificate or key")
	}
	var err error
	if c.authKey, err = parseRSAKey(p.AuthKey); err != nil {
		return nil, fmt.Errorf("jpkisim: user-auth key: %w", err)
	}
	if !validAuthPIN([]byte(p.AuthPIN)) {
		return nil, errors.New("jpkisim: profile's user-auth PIN is not 4 digits")
	}
	h := sha256.Sum256(p.AuthCert)
	c.certHash = h[:]
	c.auth = pinState{value: []byte(p.AuthPIN), max: 3, tries: triesOr(p.AuthTriesLeft, 3), format: validAuthPIN}
	c.files[efAuthCert] = c.withFiller(p.AuthCert)
	c.files[efAuthCACert] = c.withFiller(p.AuthCACert)
	exist := []byte{0x00, 0x8F, 0x00}
	if len(p.SigCert) > 0 {
		if c.sigKey, err = parseRSAKey(p.SigKey); err != nil {
			return nil, fmt.Errorf("jpkisim: signature key: %w", err)
		}
		if !validSigPIN([]byte(p.SigPIN)) {
			return nil, errors.New("jpkisim: profile's signature PIN breaks its rules")
		}
		c.sig = pinState{value: []byte(p.SigPIN), max: 5, tries: triesOr(p.SigTriesLeft, 5), format: validSigPIN}
		c.files[efSigCert] = c.withFiller(p.SigCert)
		c.files[efSigCACert] = c.withFiller(p.SigCACert)
		exist[0] = 0x8F
	} else {
		c.sig = pinState{max: 5, format: validSigPIN} // no signature certificate: the PIN is unusable
	}
	c.files[efToken] = append([]byte(label), bytes.Repeat([]byte{' '}, 32-len(label))...)
	c.files[efCertsExist] = exist
	return c, nil
}

func triesOr(n, max int) int {
	if n <= 0 || n > max {
		return max
	}
	return n
}

func (c *Card) withFiller(b []byte) []byte {
	return append(append([]byte{}, b...), bytes.Repeat([]byte{0xFF}, c.opts.Filler)...)
}

func parseRSAKey(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA key (%T)", k)
	}
	return rk, nil
}

func validAuthPIN(b []byte) bool {
	if len(b) != 4 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validSigPIN(b []byte) bool {
	if len(b) < 6 || len(b) > 16 {
		return false
	}
	var letter, digit bool
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}

// Reset is a power cycle or warm reset: the application is deselected and every verified PIN
// forgotten. Counters are kept.
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
}

func (c *Card) resetLocked() {
	c.selected, c.curEF, c.challenge = false, 0, nil
	c.auth.verified, c.sig.verified = false, false
}

// Tries returns the tries left for the user-auth and the signature PIN.
func (c *Card) Tries() (auth, sig int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.auth.tries, c.sig.tries
}

// APDUs returns how many commands the card has processed.
func (c *Card) APDUs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}

// Status words the card answers.
const (
	swOK              = 0x9000
	swWrongLength     = 0x6700
	swInternalEF      = 0x6981
	swSecurity        = 0x6982
	swBlocked         = 0x6984
	swConditions      = 0x6985
	swNoCurrentEF     = 0x6986
	swWrongData       = 0x6A80
	swNotFound        = 0x6A82
	swWrongP1P2       = 0x6A86
	swRefNotFound     = 0x6A88
	swOffsetBeyondEnd = 0x6B00
	swINSUnsupported  = 0x6D00
	swCLAUnsupported  = 0x6E00
)

// command is a parsed ISO 7816-4 command APDU.
type command struct {
	cla, ins, p1, p2 byte
	data             []byte
	ne               int // expected answer length; 0 when absent
	extended         bool
}

// parseCommand splits a command APDU into its fields, short or extended (ISO 7816-3 §12.1).
func parseCommand(b []byte) (command, bool) {
	if len(b) < 4 {
		return command{}, false
	}
	c := command{cla: b[0], ins: b[1], p1: b[2], p2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
	case len(body) == 1: // case 2S
		c.ne = int(body[0])
		if c.ne == 0 {
			c.ne = 256
		}
	case body[0] != 0 && len(body) == 1+int(body[0]): // case 3S
		c.data = body[1:]
	case body[0] != 0 && len(body) == 2+int(body[0]): // case 4S
		c.data = body[1 : 1+int(body[0])]
		c.ne = int(body[len(body)-1])
		if c.ne == 0 {
			c.ne = 256
		}
	case body[0] == 0 && len(body) == 3: // case 2E
		c.extended = true
		c.ne = int(body[1])<<8 | int(body[2])
		if c.ne == 0 {
			c.ne = 65536
		}
	case body[0] == 0 && len(body) >= 3:
		c.extended = true
		lc := int(body[1])<<8 | int(body[2])
		rest := body[3:]
		switch {
		case lc == 0:
			return command{}, false
		case len(rest) == lc: // case 3E
			c.data = rest
		case len(rest) == lc+2: // case 4E
			c.data = rest[:lc]
			c.ne = int(rest[lc])<<8 | int(rest[lc+1])
			if c.ne == 0 {
				c.ne = 65536
			}
		default:
			return command{}, false
		}
	default:
		return command{}, false
	}
	return c, true
}

func sw(code uint16) []byte { return []byte{byte(code >> 8), byte(code)} }

func withSW(data []byte, code uint16) []byte {
	return append(append(make([]byte, 0, len(data)+2), data...), byte(code>>8), byte(code))
}

// Process answers one command APDU with data and status word, as the card would.
func (c *Card) Process(apdu []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.apdus++
	cmd, ok := parseCommand(apdu)
	if !ok {
		return sw(swWrongLength)
	}
	if cmd.extended && c.opts.NoExtended {
		return sw(swWrongLength)
	}
	switch {
	case cmd.cla == 0x00 && cmd.ins == 0xA4:
		return c.selectFile(cmd)
	case cmd.cla == 0x00 && cmd.ins == 0xB0:
		return c.readBinary(cmd)
	case cmd.cla == 0x00 && cmd.ins == 0x20:
		return c.verify(cmd)
	case cmd.cla == 0x00 && cmd.ins == 0x24:
		return c.changePIN(cmd)
	case cmd.cla == 0x80 && cmd.ins == 0x2A:
		return c.sign(cmd)
	case cmd.cla == 0x00 && cmd.ins == 0x84:
		return c.getChallenge(cmd)
	case cmd.cla == pinreset.CLA && cmd.ins == pinreset.INSReset:
		return c.resetPIN(cmd)
	case cmd.cla == 0x80 && cmd.ins == 0xFC:
		// "Last command indicator": part of the iPhone profile; physical cards answer 6700.
		if c.token == TokenIPhone {
			return sw(swOK)
		}
		return sw(swWrongLength)
	case cmd.cla != 0x00 && cmd.cla != 0x80:
		return sw(swCLAUnsupported)
	}
	return sw(swINSUnsupported)
}

func (c *Card) selectFile(cmd command) []byte {
	switch cmd.p1 {
	case 0x04: // by DF name
		if bytes.Equal(cmd.data, aid) {
			c.resetLocked()
			c.selected = true
			return sw(swOK)
		}
		return sw(swNotFound)
	case 0x02: // EF under the current DF
		if !c.selected || len(cmd.data) != 2 {
			return sw(swNotFound)
		}
		fid := uint16(cmd.data[0])<<8 | uint16(cmd.data[1])
		if !c.exists(fid) {
			return sw(swNotFound)
		}
		c.curEF = fid
		return sw(swOK)
	case 0x00: // MF: accepted while an application is current, without changing it
		if c.selected && len(cmd.data) == 0 {
			return sw(swOK)
		}
		if len(cmd.data) == 2 {
			return sw(swNotFound)
		}
	}
	return sw(swWrongP1P2)
}

func (c *Card) exists(fid uint16) bool {
	switch fid {
	case efAuthKey, efAuthPIN:
		return true
	case efSigKey, efSigPIN:
		return c.sigKey != nil
	}
	_, ok := c.files[fid]
	return ok
}

func (c *Card) readBinary(cmd command) []byte {
	if !c.selected {
		return sw(swNotFound)
	}
	var fid uint16
	var off int
	if cmd.p1&0x80 != 0 {
		if cmd.p1&0x60 != 0 {
			return sw(swWrongP1P2)
		}
		fid = uint16(cmd.p1 & 0x1F)
		if !c.exists(fid) {
			return sw(swNotFound)
		}
		off = int(cmd.p2)
	} else {
		if c.curEF == 0 {
			return sw(swNoCurrentEF)
		}
		fid = c.curEF
		off = int(cmd.p1)<<8 | int(cmd.p2)
	}
	switch fid {
	case efAuthKey, efAuthPIN, efSigKey, efSigPIN:
		return sw(swInternalEF)
	case efSigCert:
		if !c.sig.verified {
			return sw(swSecurity)
		}
	case efAuthCert:
		if c.token == TokenAndroid && !c.auth.verified {
			return sw(swSecurity)
		}
	}
	c.curEF = fid
	if cmd.ne == 0 {
		return sw(swWrongLength)
	}
	f := c.files[fid]
	if off >= len(f) {
		return sw(swOffsetBeyondEnd)
	}
	end := off + cmd.ne
	if end > len(f) {
		end = len(f)
	}
	return withSW(f[off:end], swOK)
}

// pinFor resolves a VERIFY or CHANGE REFERENCE DATA P2 to a PIN.
func (c *Card) pinFor(p2 byte) *pinState {
	switch {
	case p2 == 0x98, p2 == 0x80 && c.curEF == efAuthPIN:
		return &c.auth
	case p2 == 0x9B && c.sigKey != nil, p2 == 0x80 && c.curEF == efSigPIN:
		return &c.sig
	}
	return nil
}

func triesSW(n int) uint16 { return 0x63C0 | uint16(n&0x0F) }

func (c *Card) verify(cmd command) []byte {
	if !c.selected {
		return sw(swNotFound)
	}
	if cmd.p1 != 0x00 {
		return sw(swWrongP1P2)
	}
	p := c.pinFor(cmd.p2)
	if p == nil {
		return sw(swRefNotFound)
	}
	if len(cmd.data) == 0 {
		// Always 63Cx, 63C0 when blocked: OpenSC's bind needs a 63xx here.
		return sw(triesSW(p.tries))
	}
	if p.tries == 0 {
		return sw(swBlocked)
	}
	if len(cmd.data) == len(p.value) && subtle.ConstantTimeCompare(cmd.data, p.value) == 1 {
		p.tries, p.verified = p.max, true
		return sw(swOK)
	}
	p.tries--
	p.verified = false
	return sw(triesSW(p.tries))
}

func (c *Card) changePIN(cmd command) []byte {
	if !c.selected {
		return sw(swNotFound)
	}
	if cmd.p1 != 0x01 {
		return sw(swWrongP1P2)
	}
	p := c.pinFor(cmd.p2)
	if p == nil {
		return sw(swRefNotFound)
	}
	if !p.verified {
		return sw(swSecurity)
	}
	if !p.format(cmd.data) {
		return sw(swWrongData)
	}
	p.value = append([]byte{}, cmd.data...)
	return sw(swOK)
}

func (c *Card) sign(cmd command) []byte {
	if !c.selected {
		return sw(swNotFound)
	}
	if cmd.p1 != 0x00 {
		return sw(swWrongP1P2)
	}
	var key *rsa.PrivateKey
	var pin *pinState
	switch {
	case cmd.p2 == 0x97, cmd.p2 == 0x80 && c.curEF == efAuthKey:
		key, pin = c.authKey, &c.auth
	case cmd.p2 == 0x9A, cmd.p2 == 0x80 && c.curEF == efSigKey:
		key, pin = c.sigKey, &c.sig
	}
	if key == nil {
		return sw(swRefNotFound)
	}
	// The iPhone token signs with the user-auth key after the phone's own biometric check.
	phoneApproved := c.token == TokenIPhone && pin == &c.auth
	if !pin.verified && !phoneApproved {
		return sw(swSecurity)
	}
	if len(cmd.data) == 0 || len(cmd.data) > key.Size()-11 {
		return sw(swWrongLength)
	}
	// Hash 0: the card pads exactly what it was given (PKCS#1 v1.5 type 01).
	s, err := rsa.SignPKCS1v15(nil, key, crypto.Hash(0), cmd.data)
	if err != nil {
		return sw(0x6F00)
	}
	return withSW(s, swOK)
}

func (c *Card) getChallenge(cmd command) []byte {
	if cmd.p1 != 0 || cmd.p2 != 0 {
		return sw(swWrongP1P2)
	}
	if cmd.extended {
		return sw(swConditions) // real cards refuse an extended GET CHALLENGE
	}
	if cmd.ne != pinreset.ChallengeLen && cmd.ne != 8 {
		return sw(swWrongLength)
	}
	ch := make([]byte, cmd.ne)
	if _, err := rand.Read(ch); err != nil {
		return sw(0x6F00)
	}
	c.challenge = ch
	return withSW(ch, swOK)
}

func (c *Card) resetPIN(cmd command) []byte {
	if !c.selected {
		return sw(swNotFound)
	}
	ch := c.challenge
	c.challenge = nil // one command per challenge, whatever its outcome
	var p *pinState
	switch cmd.p2 {
	case pinreset.RefAuthPIN:
		p = &c.auth
	case pinreset.RefSignaturePIN:
		if c.sigKey != nil {
			p = &c.sig
		}
	}
	if p == nil {
		return sw(swRefNotFound)
	}
	if len(ch) != pinreset.ChallengeLen || len(c.resetKey) == 0 {
		return sw(swConditions)
	}
	if len(cmd.data) <= pinreset.MACLen {
		return sw(swWrongLength)
	}
	mac, newPIN := cmd.data[:pinreset.MACLen], cmd.data[pinreset.MACLen:]
	if !pinreset.Check(c.resetKey, ch, cmd.p2, c.certHash, mac) {
		return sw(swSecurity)
	}
	if !p.format(newPIN) {
		return sw(swWrongData)
	}
	p.value = append([]byte{}, newPIN...)
	p.tries, p.verified = p.max, false
	return sw(swOK)
}
