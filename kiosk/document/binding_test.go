package document

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

func TestBindingStaysOutOfTheCertifiedContent(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	certHash := sha256.Sum256([]byte("user-auth certificate"))
	c := Content{IssuanceID: "iss-1", Type: TypeJuminhyo, MunicipalityCode: "131016", IssuedAt: time.Now(),
		Binding: Binding{SessionID: "sess-QQ7", Nonce: []byte("nonce-nonce"), UserAuthCertSHA256: certHash[:]}}
	e, err := Seal(c, "k1", priv)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range [][]byte{certHash[:], []byte(base64.StdEncoding.EncodeToString(certHash[:])), []byte("sess-QQ7")} {
		if bytes.Contains(e.Payload, secret) || bytes.Contains(e.CodeClaims, secret) {
			t.Fatalf("certified content or claims carry the binding (%q)", secret)
		}
	}
	got, err := e.Open(Keys{"k1": pub})
	if err != nil {
		t.Fatal(err)
	}
	if err := got.CheckBinding("sess-QQ7", []byte("nonce-nonce"), certHash[:]); err != nil {
		t.Fatalf("binding lost: %v", err)
	}
	// Moving the binding to another session breaks the envelope signature.
	other := sha256.Sum256([]byte("another card"))
	e2, _ := Seal(Content{IssuanceID: "iss-2", Type: TypeJuminhyo, Binding: Binding{SessionID: "s-2", Nonce: []byte("n2"), UserAuthCertSHA256: other[:]}}, "k1", priv)
	swapped := e
	swapped.Binding = e2.Binding
	if _, err := swapped.Open(Keys{"k1": pub}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("binding swapped between envelopes: %v", err)
	}
}
