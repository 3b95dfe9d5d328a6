package document

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
)

func TestKeysFileRoundTrip(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	b, err := MarshalKeysJSON(Keys{"k1": pub})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseKeysJSON(b)
	if err != nil || !keys["k1"].Equal(pub) {
		t.Fatalf("round trip: %v %v", keys, err)
	}
}

func TestKeysFileRejects(t *testing.T) {
	for _, in := range []string{``, `[]`, `{}`, `{"k":"c2hvcnQ="}`, `{"k":"!!!"}`, `{"":"` + string(make([]byte, 0)) + `"}`} {
		if _, err := ParseKeysJSON([]byte(in)); err == nil {
			t.Errorf("ParseKeysJSON(%q) accepted", in)
		}
	}
	if _, err := MarshalKeysJSON(Keys{"k": ed25519.PublicKey{1}}); err == nil {
		t.Error("short key marshalled")
	}
}
