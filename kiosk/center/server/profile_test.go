package server_test

import (
	"crypto/rsa"
	"crypto/x509"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center/pki"
	"certkiosk/kiosk/center/server/centertest"
)

var (
	authPINRule = regexp.MustCompile(`^[0-9]{4}$`)
	sigPINRule  = regexp.MustCompile(`^[A-Z0-9]{6,16}$`)
	hasLetter   = regexp.MustCompile(`[A-Z]`)
	hasDigit    = regexp.MustCompile(`[0-9]`)
)

// checkPair reports whether key is the private key of cert and caDER signed cert.
func checkPair(t *testing.T, who string, certDER, keyDER, caDER []byte) *x509.Certificate {
	t.Helper()
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatalf("%s CA: %v", who, err)
	}
	if err := cert.CheckSignatureFrom(ca); err != nil {
		t.Fatalf("%s: CA certificate in the profile did not sign it: %v", who, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(keyDER)
	if err != nil {
		t.Fatalf("%s key: %v", who, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok || !rk.PublicKey.Equal(cert.PublicKey) || rk.N.BitLen() != pki.RSABits {
		t.Fatalf("%s: key does not match the certificate", who)
	}
	return cert
}

// TestCardProfiles checks every resident's exported card: what jpkicard and the in-process
// simulator are personalised with.
func TestCardProfiles(t *testing.T) {
	c := centertest.Start(t)
	rs, err := c.Residents()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	roots := map[string]bool{}
	for _, r := range rs {
		p := c.Card(t, r.ID)
		roots[string(p.AuthCACert)] = true
		auth := checkPair(t, r.ID+" auth", p.AuthCert, p.AuthKey, p.AuthCACert)
		if prev, ok := seen[auth.Subject.CommonName]; ok {
			t.Fatalf("%s and %s share certificate id %s", prev, r.ID, auth.Subject.CommonName)
		}
		seen[auth.Subject.CommonName] = r.ID
		if auth.Subject.CommonName == r.ID || len(auth.Subject.Names) != 2 {
			t.Fatalf("%s: user-auth subject %v reveals more than an opaque id", r.ID, auth.Subject)
		}
		if !authPINRule.MatchString(p.AuthPIN) || len(p.ResetKey) != 32 || p.ResidentID != r.ID {
			t.Fatalf("%s: profile PIN/reset key/id wrong", r.ID)
		}
		switch r.ID {
		case "r103": // under 15: no signature certificate
			if p.SigCert != nil || p.SigKey != nil || p.SigPIN != "" {
				t.Fatalf("under-15 card has a signature certificate")
			}
		default:
			sig := checkPair(t, r.ID+" signature", p.SigCert, p.SigKey, p.SigCACert)
			info, err := pki.ParseSignatureInfo(sig)
			if err != nil || info[pki.OIDName.String()] == "" || info[pki.OIDAddress.String()] == "" {
				t.Fatalf("%s: signature certificate 基本4情報 %v, %v", r.ID, info, err)
			}
			if !sigPINRule.MatchString(p.SigPIN) || !hasLetter.MatchString(p.SigPIN) || !hasDigit.MatchString(p.SigPIN) {
				t.Fatalf("%s: signature PIN breaks the rules", r.ID)
			}
		}
		want := jpkisim.TokenCard
		if r.ID == "r202" {
			want = jpkisim.TokenAndroid
		}
		if p.Token != want {
			t.Fatalf("%s: token %q, want %q", r.ID, p.Token, want)
		}
	}
	// Cards come from more than one root generation (all named alike), so logins exercise the
	// choice of root by signature.
	if len(roots) < 2 {
		t.Fatalf("all cards chain to one root generation")
	}
	// A profile survives the file format.
	p := c.Card(t, "r101")
	f := filepath.Join(t.TempDir(), "card.json")
	if err := jpkisim.SaveProfile(f, p); err != nil {
		t.Fatal(err)
	}
	q, err := jpkisim.LoadProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatal("profile changed through SaveProfile/LoadProfile")
	}
	// Exporting again gives the same card, not a new one.
	if again := c.Card(t, "r101"); !reflect.DeepEqual(p, again) {
		t.Fatal("second export made another card")
	}
}
