package document

import (
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Prefixes of the two verification codes. Both are QR alphanumeric characters.
const (
	// ClaimsCodePrefix starts the code printed on every page: base45(claims ‖ Ed25519 signature).
	ClaimsCodePrefix = "KV1:"
	// ContentCodePrefix starts the optional second code on the last page: base45(deflate(payload)),
	// the exact signed content; its SHA-256 must equal the claims' digest.
	ContentCodePrefix = "KC1:"
)

// maxContentCode bounds the content code's text so the QR stays scannable from a phone photo
// (about QR version 22 at level M with 5 px modules at 300 dpi).
const maxContentCode = 1150

// maxPayload bounds what a content code may inflate to (zip-bomb guard).
const maxPayload = 64 << 10

// Verification errors a verifier reports to its user.
var (
	ErrNoCode         = errors.New("document: no verification code found on the page")
	ErrForged         = errors.New("document: verification code signature does not verify")
	ErrContentAltered = errors.New("document: content code does not match the signed digest")
)

// ClaimsCode returns the text of the verification code printed on every page of e.
func ClaimsCode(e Envelope) (string, error) {
	if len(e.CodeSignature) != ed25519.SignatureSize {
		return "", fmt.Errorf("%w: code signature is %d bytes", ErrMalformed, len(e.CodeSignature))
	}
	if _, err := UnmarshalClaims(e.CodeClaims); err != nil {
		return "", err
	}
	raw := make([]byte, 0, len(e.CodeClaims)+ed25519.SignatureSize)
	raw = append(raw, e.CodeClaims...)
	raw = append(raw, e.CodeSignature...)
	return ClaimsCodePrefix + base45Encode(raw), nil
}

// ContentCode returns the text of the content code for e, or ok=false when the compressed
// content would not fit a code that a phone can read (large households, seal images): then only
// the claims code is printed and a verifier gets the digest, not the content.
func ContentCode(e Envelope) (text string, ok bool, err error) {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		return "", false, fmt.Errorf("content code: %w", err)
	}
	if _, err := w.Write(e.Payload); err != nil {
		return "", false, fmt.Errorf("content code: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", false, fmt.Errorf("content code: %w", err)
	}
	text = ContentCodePrefix + base45Encode(b.Bytes())
	if len(text) > maxContentCode {
		return "", false, nil
	}
	return text, true, nil
}

// ParseClaimsCode splits a claims code into the encoded claims and their signature, and decodes
// the claims. It checks the form only, not the signature: see VerifyClaimsCode.
func ParseClaimsCode(text string) (claims []byte, sig []byte, c Claims, err error) {
	rest, ok := strings.CutPrefix(text, ClaimsCodePrefix)
	if !ok {
		return nil, nil, c, fmt.Errorf("%w: not a page verification code", ErrMalformed)
	}
	raw, err := base45Decode(rest)
	if err != nil {
		return nil, nil, c, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(raw) < ed25519.SignatureSize+1 {
		return nil, nil, c, fmt.Errorf("%w: verification code too short", ErrMalformed)
	}
	claims, sig = raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	c, err = UnmarshalClaims(claims)
	if err != nil {
		return nil, nil, c, err
	}
	return claims, sig, c, nil
}

// VerifyClaimsCode decodes a claims code and checks its signature with the municipality key its
// claims name. The key comes from keys, never from the page.
func VerifyClaimsCode(text string, keys Keys) (Claims, error) {
	claims, sig, c, err := ParseClaimsCode(text)
	if err != nil {
		return c, err
	}
	pub, ok := keys[c.KeyID]
	if !ok {
		return c, fmt.Errorf("%w: %q", ErrUnknownKey, c.KeyID)
	}
	if !ed25519.Verify(pub, claims, sig) {
		return c, ErrForged
	}
	return c, nil
}

// ParseContentCode inflates a content code and returns the payload bytes, checking that their
// SHA-256 is the digest the (already verified) claims certify, then parses them.
func ParseContentCode(text string, verified Claims) (Content, error) {
	rest, ok := strings.CutPrefix(text, ContentCodePrefix)
	if !ok {
		return Content{}, fmt.Errorf("%w: not a content code", ErrMalformed)
	}
	raw, err := base45Decode(rest)
	if err != nil {
		return Content{}, fmt.Errorf("%w: content code: %v", ErrMalformed, err)
	}
	r := flate.NewReader(bytes.NewReader(raw))
	payload, err := io.ReadAll(io.LimitReader(r, maxPayload+1))
	if err != nil {
		return Content{}, fmt.Errorf("%w: content code: %v", ErrMalformed, err)
	}
	if len(payload) > maxPayload {
		return Content{}, fmt.Errorf("%w: content code inflates past %d bytes", ErrMalformed, maxPayload)
	}
	if sha256.Sum256(payload) != verified.ContentSHA256 {
		return Content{}, ErrContentAltered
	}
	var c Content
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Content{}, fmt.Errorf("%w: content code payload: %v", ErrMalformed, err)
	}
	if c.IssuanceID != verified.IssuanceID || c.Type != verified.Type || c.MunicipalityCode != verified.MunicipalityCode {
		return Content{}, fmt.Errorf("%w: content does not match its claims", ErrContentAltered)
	}
	return c, nil
}
