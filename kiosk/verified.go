package kiosk

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"certkiosk/kiosk/document"
)

// Envelope is the center's signed document envelope (kiosk/document), untrusted until verified.
type Envelope = document.Envelope

// Verifier checks an envelope's signatures with the municipality keys the kiosk holds and returns
// the content exactly as signed. It does not judge the binding: the machine does that itself, so
// a Verifier cannot let a document for another session through.
type Verifier interface {
	Open(env Envelope) (document.Content, error)
}

// KeyVerifier is the Verifier over a fixed set of municipality keys: Envelope.Open.
type KeyVerifier document.Keys

// Open implements Verifier.
func (k KeyVerifier) Open(env Envelope) (document.Content, error) {
	return env.Open(document.Keys(k))
}

// VerifiedDocument is one copy whose signatures verified and whose binding named the session it
// was verified for. Its fields are unexported and only verifyDocument makes a non-zero one, so a
// Print effect (which needs one) cannot carry an unchecked or foreign document.
type VerifiedDocument struct {
	ok       bool
	binding  Binding
	content  document.Content
	envelope Envelope
}

// Content is the certified content to lay out. It holds personal data.
func (d VerifiedDocument) Content() document.Content { return d.content }

// Envelope is the envelope as received: the page's verification code is made from its code claims.
func (d VerifiedDocument) Envelope() Envelope { return d.envelope }

// IssuanceID is the issuance this copy belongs to (not personal).
func (d VerifiedDocument) IssuanceID() string { return d.content.IssuanceID }

// Verified reports whether d came from verifyDocument (the zero value did not).
func (d VerifiedDocument) Verified() bool { return d.ok }

// BoundTo reports whether d was verified and is bound to b.
func (d VerifiedDocument) BoundTo(b Binding) bool { return d.ok && d.binding.Equal(b) }

// ErrNotBound is returned when an envelope verifies but its binding names another session.
var ErrNotBound = errors.New("kiosk: document is not bound to this session")

// verifyDocument is the only way to a VerifiedDocument: the signatures through v, then the
// binding against b, compared here and not by the port.
func verifyDocument(v Verifier, env Envelope, b Binding) (VerifiedDocument, error) {
	c, err := v.Open(env)
	if err != nil {
		return VerifiedDocument{}, fmt.Errorf("verify envelope: %w", err)
	}
	if err := c.CheckBinding(b.SessionID, b.Nonce, b.CertSHA256[:]); err != nil {
		return VerifiedDocument{}, fmt.Errorf("%w: %w", ErrNotBound, err)
	}
	var got Binding
	got.SessionID = c.Binding.SessionID
	got.Nonce = append([]byte(nil), c.Binding.Nonce...)
	if len(c.Binding.UserAuthCertSHA256) != sha256.Size {
		return VerifiedDocument{}, fmt.Errorf("%w: certificate digest length %d", ErrNotBound, len(c.Binding.UserAuthCertSHA256))
	}
	copy(got.CertSHA256[:], c.Binding.UserAuthCertSHA256)
	return VerifiedDocument{ok: true, binding: got, content: c, envelope: env}, nil
}

// VerifyDocument is verifyDocument for the parts outside the machine that need a verified
// document of their own (the printer adapter's tests, a technician's test page): the same
// checks, so it cannot make a VerifiedDocument out of an unchecked or foreign envelope.
func VerifyDocument(v Verifier, env Envelope, b Binding) (VerifiedDocument, error) {
	return verifyDocument(v, env, b)
}
