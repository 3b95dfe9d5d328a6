package document

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors a caller must tell apart. A page is printed only when Open and CheckBinding both succeed.
var (
	ErrBadSignature    = errors.New("document: envelope signature does not verify")
	ErrUnknownKey      = errors.New("document: envelope signed by an unknown municipality key")
	ErrMalformed       = errors.New("document: malformed envelope")
	ErrBindingMismatch = errors.New("document: envelope is bound to another session or certificate")
)

// Binding ties a document to the one login it was issued for: the challenge nonce the center gave
// that login and the SHA-256 of the user-auth certificate the card proved. The kiosk compares both
// with what it holds for the session on screen before a page is printed (domain.md §7).
type Binding struct {
	SessionID          string `json:"session_id"`
	Nonce              []byte `json:"nonce"`
	UserAuthCertSHA256 []byte `json:"cert_sha256"`
}

// Person is one person shown on a certificate. Fields holds only what the resident chose and the
// municipality allows: the center leaves every other field out, so the layout cannot print it.
type Person struct {
	Fields []Field `json:"fields"`
}

// Field is one certified item: a field code (see fields.go) and its value as printed.
type Field struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

// Content is the certified data of one certificate, as the municipality signed it.
type Content struct {
	Version          int       `json:"v"`
	IssuanceID       string    `json:"issuance_id"`
	Type             string    `json:"type"`         // a certificate type code (fields.go)
	MunicipalityCode string    `json:"municipality"` // 6-digit 全国地方公共団体コード
	MunicipalityName string    `json:"municipality_name"`
	Mayor            string    `json:"mayor"` // 市区町村長 name as printed beside the seal
	AsOf             time.Time `json:"as_of"` // when the municipality's data was read
	IssuedAt         time.Time `json:"issued_at"`
	CopyIndex        int       `json:"copy"` // 1-based copy number of Copies
	Copies           int       `json:"copies"`
	Options          []string  `json:"options,omitempty"` // option codes the resident chose
	Header           []Field   `json:"header,omitempty"`  // certificate-level items (address, 本籍, year, …)
	Persons          []Person  `json:"persons,omitempty"`
	Binding          Binding   `json:"binding"`
}

// Envelope is what the center returns for one certificate: the certified content exactly as
// signed, the session binding, one signature over both, and the compact claims that go into the
// page's verification code, signed separately so a page can be checked from its code alone.
//
// The binding is kept apart from the certified content on purpose: the claims' digest covers
// the content only, so a page's codes never carry the hash of the resident's card certificate,
// and two receivers of certificates from one card cannot link them by it.
type Envelope struct {
	KeyID         string `json:"key_id"`
	Payload       []byte `json:"payload"`     // canonical JSON of Content without its Binding
	Binding       []byte `json:"binding"`     // canonical JSON of the Binding
	Signature     []byte `json:"sig"`         // over envelopeMessage(Payload, Binding)
	CodeClaims    []byte `json:"code_claims"` // MarshalClaims output
	CodeSignature []byte `json:"code_sig"`
}

// Claims is what a page's verification code certifies: which issuance, what kind, from whom, when,
// and the digest of the full certified content.
type Claims struct {
	IssuanceID       string
	Type             string
	MunicipalityCode string
	KeyID            string
	IssuedAt         time.Time // second precision
	ContentSHA256    [32]byte
}

// Seal signs content with a municipality key. It is the center's half of the contract.
func Seal(c Content, keyID string, priv ed25519.PrivateKey) (Envelope, error) {
	if c.Version == 0 {
		c.Version = 1
	}
	binding, err := json.Marshal(c.Binding)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal %s: %w", c.IssuanceID, err)
	}
	c.Binding = Binding{}
	payload, err := json.Marshal(c)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal %s: %w", c.IssuanceID, err)
	}
	claims := Claims{
		IssuanceID:       c.IssuanceID,
		Type:             c.Type,
		MunicipalityCode: c.MunicipalityCode,
		KeyID:            keyID,
		IssuedAt:         c.IssuedAt.Truncate(time.Second),
		ContentSHA256:    sha256.Sum256(payload),
	}
	cb, err := MarshalClaims(claims)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal %s: %w", c.IssuanceID, err)
	}
	return Envelope{
		KeyID:         keyID,
		Payload:       payload,
		Binding:       binding,
		Signature:     ed25519.Sign(priv, envelopeMessage(payload, binding)),
		CodeClaims:    cb,
		CodeSignature: ed25519.Sign(priv, cb),
	}, nil
}

// envelopeMessage is what the envelope signature covers: a label, the payload's length, the
// payload and the binding, so no byte can move from one to the other.
func envelopeMessage(payload, binding []byte) []byte {
	m := make([]byte, 0, 24+len(payload)+len(binding))
	m = append(m, "CERTKIOSK-ENVELOPE-1"...)
	m = binary.BigEndian.AppendUint32(m, uint32(len(payload)))
	m = append(m, payload...)
	return append(m, binding...)
}

// Keys maps a municipality key id to its public key. The kiosk ships the municipalities' keys;
// it never takes a key from the envelope it is checking.
type Keys map[string]ed25519.PublicKey

// Open checks both signatures and that the code claims describe this payload, then parses the
// content. Nothing in an envelope is trusted before Open returns nil.
func (e Envelope) Open(keys Keys) (Content, error) {
	pub, ok := keys[e.KeyID]
	if !ok {
		return Content{}, fmt.Errorf("%w: %q", ErrUnknownKey, e.KeyID)
	}
	if len(e.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, envelopeMessage(e.Payload, e.Binding), e.Signature) {
		return Content{}, ErrBadSignature
	}
	if len(e.CodeSignature) != ed25519.SignatureSize || !ed25519.Verify(pub, e.CodeClaims, e.CodeSignature) {
		return Content{}, fmt.Errorf("%w (verification code)", ErrBadSignature)
	}
	cl, err := UnmarshalClaims(e.CodeClaims)
	if err != nil {
		return Content{}, err
	}
	var c Content
	dec := json.NewDecoder(bytes.NewReader(e.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Content{}, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if len(c.Binding.SessionID) > 0 || len(c.Binding.Nonce) > 0 || len(c.Binding.UserAuthCertSHA256) > 0 {
		return Content{}, fmt.Errorf("%w: binding inside the certified content", ErrMalformed)
	}
	bdec := json.NewDecoder(bytes.NewReader(e.Binding))
	bdec.DisallowUnknownFields()
	if err := bdec.Decode(&c.Binding); err != nil {
		return Content{}, fmt.Errorf("%w: binding: %v", ErrMalformed, err)
	}
	sum := sha256.Sum256(e.Payload)
	if cl.ContentSHA256 != sum || cl.IssuanceID != c.IssuanceID || cl.Type != c.Type ||
		cl.MunicipalityCode != c.MunicipalityCode || cl.KeyID != e.KeyID {
		return Content{}, fmt.Errorf("%w: verification code does not describe this content", ErrMalformed)
	}
	return c, nil
}

// CheckBinding reports whether c was issued for the session on screen: same session id, same
// challenge nonce, same user-auth certificate. Comparisons are constant-time.
func (c Content) CheckBinding(sessionID string, nonce []byte, certSHA256 []byte) error {
	b := c.Binding
	if b.SessionID != sessionID ||
		len(nonce) == 0 || subtle.ConstantTimeCompare(b.Nonce, nonce) != 1 ||
		len(certSHA256) != sha256.Size || subtle.ConstantTimeCompare(b.UserAuthCertSHA256, certSHA256) != 1 {
		return fmt.Errorf("%w: issuance %s", ErrBindingMismatch, c.IssuanceID)
	}
	return nil
}

// claimsMagic starts every encoded claim set; the version byte follows.
var claimsMagic = []byte("JKV")

const claimsVersion = 1

// MarshalClaims encodes claims compactly for a QR code: magic, version, then length-prefixed
// strings, a big-endian Unix time and the 32-byte digest.
func MarshalClaims(c Claims) ([]byte, error) {
	var b bytes.Buffer
	b.Write(claimsMagic)
	b.WriteByte(claimsVersion)
	for _, s := range []string{c.IssuanceID, c.Type, c.MunicipalityCode, c.KeyID} {
		if len(s) > 255 {
			return nil, fmt.Errorf("%w: claim string longer than 255 bytes", ErrMalformed)
		}
		b.WriteByte(byte(len(s)))
		b.WriteString(s)
	}
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(c.IssuedAt.Unix()))
	b.Write(ts[:])
	b.Write(c.ContentSHA256[:])
	return b.Bytes(), nil
}

// UnmarshalClaims decodes MarshalClaims output and rejects anything else, including trailing bytes.
func UnmarshalClaims(p []byte) (Claims, error) {
	var c Claims
	if len(p) < len(claimsMagic)+1 || !bytes.Equal(p[:len(claimsMagic)], claimsMagic) {
		return c, fmt.Errorf("%w: not a verification code", ErrMalformed)
	}
	if p[len(claimsMagic)] != claimsVersion {
		return c, fmt.Errorf("%w: verification code version %d", ErrMalformed, p[len(claimsMagic)])
	}
	p = p[len(claimsMagic)+1:]
	strs := make([]string, 4)
	for i := range strs {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return c, fmt.Errorf("%w: truncated verification code", ErrMalformed)
		}
		strs[i] = string(p[1 : 1+int(p[0])])
		p = p[1+int(p[0]):]
	}
	if len(p) != 8+32 {
		return c, fmt.Errorf("%w: verification code has %d trailing bytes, want 40", ErrMalformed, len(p))
	}
	c.IssuanceID, c.Type, c.MunicipalityCode, c.KeyID = strs[0], strs[1], strs[2], strs[3]
	c.IssuedAt = time.Unix(int64(binary.BigEndian.Uint64(p[:8])), 0).UTC()
	copy(c.ContentSHA256[:], p[8:])
	return c, nil
}
