package center_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
)

// kiosk is one test kiosk: a client with its own device certificate.
type kiosk struct {
	t  testing.TB
	c  *centertest.Center
	cl *center.Client
	cr center.Credentials
}

func newKiosk(t testing.TB, c *centertest.Center, id string) *kiosk {
	cl, cr := c.Client(t, id)
	return &kiosk{t: t, c: c, cl: cl, cr: cr}
}

// card is a resident's card as the kiosk sees it: certificates and a signing key.
type card struct {
	p       jpkisim.Profile
	authKey *rsa.PrivateKey
	sigKey  *rsa.PrivateKey
}

func loadCard(t testing.TB, c *centertest.Center, resident string) card {
	t.Helper()
	p := c.Card(t, resident)
	cd := card{p: p}
	k, err := x509.ParsePKCS8PrivateKey(p.AuthKey)
	if err != nil {
		t.Fatal(err)
	}
	cd.authKey = k.(*rsa.PrivateKey)
	if p.SigKey != nil {
		k, err := x509.ParsePKCS8PrivateKey(p.SigKey)
		if err != nil {
			t.Fatal(err)
		}
		cd.sigKey = k.(*rsa.PrivateKey)
	}
	return cd
}

// sign is what the card does: PKCS#1 v1.5 over the SHA-256 DigestInfo of the login message.
func sign(t testing.TB, key *rsa.PrivateKey, nonce []byte, kioskID string) []byte {
	t.Helper()
	d := sha256.Sum256(center.LoginMessage(nonce, kioskID))
	s, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// login runs challenge + login with the card's user-auth certificate (or the signature
// certificate when withSig).
func (k *kiosk) login(cd card, purpose string, withSig bool) (center.Session, center.Challenge, error) {
	k.t.Helper()
	ctx := context.Background()
	ch, err := k.cl.Challenge(ctx, center.NewKey(), purpose)
	if err != nil {
		k.t.Fatalf("challenge: %v", err)
	}
	cert, key := cd.p.AuthCert, cd.authKey
	if withSig {
		cert, key = cd.p.SigCert, cd.sigKey
	}
	s, err := k.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cert,
		Signature: sign(k.t, key, ch.Nonce, k.cr.KioskID)})
	return s, ch, err
}

func (k *kiosk) mustLogin(cd card, purpose string) (center.Session, center.Challenge) {
	k.t.Helper()
	s, ch, err := k.login(cd, purpose, false)
	if err != nil {
		k.t.Fatalf("login: %v", err)
	}
	return s, ch
}

func wantRefusal(t testing.TB, err error, code string) {
	t.Helper()
	if !center.IsRefusal(err, code) {
		t.Fatalf("got %v, want refusal %q", err, code)
	}
}

func item(s center.Session, typ string) (center.CatalogItem, bool) {
	for _, it := range s.Catalog {
		if it.Type == typ {
			return it, true
		}
	}
	return center.CatalogItem{}, false
}
