package document

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBase45RFC9285Vectors(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"}, {"ietf!", "QED8WEX0"}, {"", ""},
	} {
		if got := base45Encode([]byte(tc.in)); got != tc.out {
			t.Errorf("encode %q = %q, want %q", tc.in, got, tc.out)
		}
		got, err := base45Decode(tc.out)
		if err != nil || string(got) != tc.in {
			t.Errorf("decode %q = %q, %v; want %q", tc.out, got, err, tc.in)
		}
	}
}

func TestBase45RejectsBadInput(t *testing.T) {
	for _, s := range []string{"GGW", "a", "BB8a", "BB8Z", "ZZ", "::::"} {
		if _, err := base45Decode(s); !errors.Is(err, errBase45) {
			t.Errorf("decode %q: err = %v, want errBase45", s, err)
		}
	}
}

func sealedTestEnvelope(t testing.TB, c Content) (Envelope, Keys, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Seal(c, "k1", priv)
	if err != nil {
		t.Fatal(err)
	}
	return e, Keys{"k1": pub}, priv
}

func minimalContent() Content {
	return Content{IssuanceID: "ID-1", Type: TypeInkan, MunicipalityCode: "999999", MunicipalityName: "x",
		IssuedAt: time.Unix(1_800_000_000, 0), Persons: []Person{{Fields: []Field{{Code: FieldName, Value: "n"}}}}}
}

func TestClaimsCodeRoundTripAndForgery(t *testing.T) {
	e, keys, _ := sealedTestEnvelope(t, minimalContent())
	text, err := ClaimsCode(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range strings.TrimPrefix(text, ClaimsCodePrefix) {
		if !strings.ContainsRune(base45Alphabet, r) {
			t.Fatalf("claims code has %q, not QR alphanumeric", r)
		}
	}
	cl, err := VerifyClaimsCode(text, keys)
	if err != nil {
		t.Fatal(err)
	}
	if cl.IssuanceID != "ID-1" || cl.KeyID != "k1" || cl.Type != TypeInkan {
		t.Fatalf("claims = %+v", cl)
	}

	// Another key with the same id: a forgery.
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := VerifyClaimsCode(text, Keys{"k1": other}); !errors.Is(err, ErrForged) {
		t.Fatalf("wrong key: err = %v, want ErrForged", err)
	}
	if _, err := VerifyClaimsCode(text, Keys{}); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("no key: err = %v, want ErrUnknownKey", err)
	}
	// Altered claims under the original signature.
	claims, sig, _, _ := ParseClaimsCode(text)
	alt := bytes.Clone(claims)
	alt[len(alt)-1] ^= 1
	forged := ClaimsCodePrefix + base45Encode(append(alt, sig...))
	if _, err := VerifyClaimsCode(forged, keys); !errors.Is(err, ErrForged) {
		t.Fatalf("altered claims: err = %v, want ErrForged", err)
	}
	for _, bad := range []string{"", "KV1:", "XX1:BB8", ClaimsCodePrefix + "BB8", ClaimsCodePrefix + base45Encode(make([]byte, 80))} {
		if _, err := VerifyClaimsCode(bad, keys); !errors.Is(err, ErrMalformed) {
			t.Errorf("VerifyClaimsCode(%q): err = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestContentCodeRoundTripAndAlteration(t *testing.T) {
	e, keys, priv := sealedTestEnvelope(t, minimalContent())
	text, ok, err := ContentCode(e)
	if err != nil || !ok {
		t.Fatalf("ContentCode: ok=%v err=%v", ok, err)
	}
	cl, err := VerifyClaimsCode(mustClaimsCode(t, e), keys)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseContentCode(text, cl)
	if err != nil {
		t.Fatal(err)
	}
	if c.Persons[0].Fields[0].Value != "n" {
		t.Fatalf("content = %+v", c)
	}
	// The content of another document (validly signed) does not match these claims.
	c2 := minimalContent()
	c2.Persons[0].Fields[0].Value = "m"
	e2, err := Seal(c2, "k1", priv)
	if err != nil {
		t.Fatal(err)
	}
	text2, _, _ := ContentCode(e2)
	if _, err := ParseContentCode(text2, cl); !errors.Is(err, ErrContentAltered) {
		t.Fatalf("swapped content: err = %v, want ErrContentAltered", err)
	}
	if _, err := ParseContentCode(ContentCodePrefix+"BB8", cl); !errors.Is(err, ErrMalformed) {
		t.Fatalf("garbage content: err = %v, want ErrMalformed", err)
	}
}

func TestContentCodeOmittedWhenTooLarge(t *testing.T) {
	c := minimalContent()
	big := make([]byte, 3000)
	_, _ = rand.Read(big)
	c.Persons[0].Fields[0].Value = base45Encode(big) // incompressible
	e, _, _ := sealedTestEnvelope(t, c)
	if _, ok, err := ContentCode(e); err != nil || ok {
		t.Fatalf("ContentCode on a large document: ok=%v err=%v, want omitted", ok, err)
	}
}

func mustClaimsCode(t testing.TB, e Envelope) string {
	t.Helper()
	s, err := ClaimsCode(e)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzParseClaimsCode(f *testing.F) {
	e, _, _ := sealedTestEnvelope(f, minimalContent())
	f.Add(mustClaimsCode(f, e))
	f.Add("KV1:")
	f.Add("KV1:BB8")
	f.Fuzz(func(t *testing.T, s string) {
		claims, sig, c, err := ParseClaimsCode(s)
		if err != nil {
			return
		}
		if len(sig) != ed25519.SignatureSize {
			t.Fatalf("signature of %d bytes accepted", len(sig))
		}
		again, err := MarshalClaims(c)
		if err != nil || !bytes.Equal(again, claims) {
			t.Fatalf("claims do not round-trip: %v", err)
		}
	})
}

func FuzzParseContentCode(f *testing.F) {
	e, keys, _ := sealedTestEnvelope(f, minimalContent())
	cl, err := VerifyClaimsCode(mustClaimsCode(f, e), keys)
	if err != nil {
		f.Fatal(err)
	}
	text, _, _ := ContentCode(e)
	f.Add(text)
	f.Add("KC1:")
	f.Add("KC1:%69 VD92EX0")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseContentCode(s, cl)
		if err == nil && c.IssuanceID != cl.IssuanceID {
			t.Fatalf("accepted content of %q for claims of %q", c.IssuanceID, cl.IssuanceID)
		}
	})
}

func FuzzBase45(f *testing.F) {
	f.Add([]byte("Hello!!"))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, p []byte) {
		got, err := base45Decode(base45Encode(p))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip of % x: % x, %v", p, got, err)
		}
	})
}
