package jpki_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"testing"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/jpki"
	"certkiosk/kiosk/jpki/pinreset"
)

var (
	profOnce sync.Once
	profiles map[string]jpkisim.Profile
	profErr  error
	master   = []byte("test issuer master key, made at test time")
)

// profile returns a generated test card of the given token kind (generated once per run).
func profile(t testing.TB, token string) jpkisim.Profile {
	t.Helper()
	profOnce.Do(func() {
		profiles = map[string]jpkisim.Profile{}
		for _, k := range []string{jpkisim.TokenCard, jpkisim.TokenAndroid, jpkisim.TokenIPhone} {
			p, err := jpkisim.GenerateProfile(jpkisim.GenOpts{Token: k, ResetMaster: master})
			if err != nil {
				profErr = err
				return
			}
			profiles[k] = p
		}
	})
	if profErr != nil {
		t.Fatal(profErr)
	}
	return profiles[token]
}

func newCard(t testing.TB, token string, o *jpkisim.Opts) (*jpkisim.Card, *jpkisim.Transport) {
	t.Helper()
	c, err := jpkisim.New(profile(t, token), o)
	if err != nil {
		t.Fatal(err)
	}
	return c, jpkisim.NewTransport(c)
}

func open(t testing.TB, tr jpki.Transport, o *jpki.Opts) *jpki.App {
	t.Helper()
	a, err := jpki.Open(tr, o)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return a
}

func authPIN(t testing.TB, s string) *jpki.AuthPIN {
	t.Helper()
	p, err := jpki.NewAuthPIN([]byte(s))
	if err != nil {
		t.Fatalf("NewAuthPIN(%q): %v", s, err)
	}
	return p
}

func sigPIN(t testing.TB, s string) *jpki.SignaturePIN {
	t.Helper()
	p, err := jpki.NewSignaturePIN([]byte(s))
	if err != nil {
		t.Fatalf("NewSignaturePIN: %v", err)
	}
	return p
}

func TestTokenKinds(t *testing.T) {
	for tok, want := range map[string]jpki.TokenKind{
		jpkisim.TokenCard: jpki.TokenCard, jpkisim.TokenAndroid: jpki.TokenAndroid, jpkisim.TokenIPhone: jpki.TokenIPhone,
	} {
		_, tr := newCard(t, tok, nil)
		got, err := open(t, tr, nil).Token()
		if err != nil || got != want {
			t.Errorf("%s: Token() = %v, %v; want %v", tok, got, err, want)
		}
	}
}

func TestReadUserAuthCert(t *testing.T) {
	want := profile(t, jpkisim.TokenCard).AuthCert
	cases := []struct {
		name      string
		card      *jpkisim.Opts
		app       *jpki.Opts
		wantReads int
	}{
		{"extended", nil, nil, 1},
		{"extended with filler", &jpkisim.Opts{Filler: 300}, nil, 1},
		{"short only", nil, &jpki.Opts{ShortOnly: true}, (len(want) + 255) / 256},
		{"card refuses extended", &jpkisim.Opts{NoExtended: true}, nil, 1 + (len(want)+255)/256},
		{"short with filler", &jpkisim.Opts{Filler: 700}, &jpki.Opts{ShortOnly: true}, (len(want) + 255) / 256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, tr := newCard(t, jpkisim.TokenCard, tc.card)
			a := open(t, tr, tc.app)
			before := a.APDUs()
			c, raw, err := a.ReadUserAuthCert()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, want) || !bytes.Equal(c.Raw, want) {
				t.Fatalf("certificate differs: got %d bytes, want %d", len(raw), len(want))
			}
			if n := a.APDUs() - before; n != tc.wantReads {
				t.Errorf("read took %d APDUs, want %d", n, tc.wantReads)
			}
			// A second read in the same session keeps the learned fallback.
			before = a.APDUs()
			if _, _, err := a.ReadUserAuthCACert(); err != nil {
				t.Fatal(err)
			}
			if tc.card != nil && tc.card.NoExtended && a.APDUs()-before > (len(profile(t, jpkisim.TokenCard).AuthCACert)+255)/256 {
				t.Errorf("fallback not remembered: %d APDUs for the CA certificate", a.APDUs()-before)
			}
		})
	}
}

func TestPINCounterDownToBlocked(t *testing.T) {
	card, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	if n, err := a.Tries(jpki.AuthPINRef); err != nil || n != 3 {
		t.Fatalf("Tries = %d, %v; want 3", n, err)
	}
	for _, left := range []int{2, 1} {
		err := a.Verify(authPIN(t, "9999"))
		var pe *jpki.PINError
		if !errors.As(err, &pe) || pe.Remaining != left || pe.Ref != jpki.AuthPINRef {
			t.Fatalf("wrong PIN: %v; want PINError with %d left", err, left)
		}
		if n, _ := a.Tries(jpki.AuthPINRef); n != left {
			t.Fatalf("Tries after wrong PIN = %d, want %d (an empty VERIFY must not spend a try)", n, left)
		}
	}
	if err := a.Verify(authPIN(t, "9999")); !errors.Is(err, jpki.ErrBlocked) {
		t.Fatalf("third wrong PIN (63C0): %v, want ErrBlocked", err)
	}
	if err := a.Verify(authPIN(t, "1234")); !errors.Is(err, jpki.ErrBlocked) {
		t.Fatalf("right PIN on blocked card (6984): %v, want ErrBlocked", err)
	}
	// Reconnect: the counter is kept.
	tr.Remove()
	tr.Insert()
	a = open(t, tr, nil)
	if n, err := a.Tries(jpki.AuthPINRef); err != nil || n != 0 {
		t.Fatalf("Tries after reconnect = %d, %v; want 0", n, err)
	}
	if auth, _ := card.Tries(); auth != 0 {
		t.Fatalf("card counter %d, want 0", auth)
	}
}

func TestRightPINRestoresCounterAndSigns(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	cert, _, err := a.ReadUserAuthCert()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("challenge"))
	if _, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(digest)); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("sign without PIN: %v, want ErrSecurityStatus", err)
	}
	if err := a.Verify(authPIN(t, "0000")); err == nil {
		t.Fatal("wrong PIN accepted")
	}
	if err := a.Verify(authPIN(t, "1234")); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n, _ := a.Tries(jpki.AuthPINRef); n != 3 {
		t.Fatalf("tries after right PIN = %d, want 3", n)
	}
	sig, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(digest))
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	// The signature key needs its own PIN.
	if _, err := a.Sign(jpki.SignatureKey, jpki.DigestInfoSHA256(digest)); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("signature key without its PIN: %v", err)
	}
	// Re-selecting the application forgets the verified PIN.
	if err := a.Reselect(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(digest)); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("sign after re-select: %v, want ErrSecurityStatus", err)
	}
}

func TestSignatureCertificateNeedsItsPIN(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	if _, _, err := a.ReadSignatureCert(); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("read before PIN: %v", err)
	}
	if n, err := a.Tries(jpki.SignaturePINRef); err != nil || n != 5 {
		t.Fatalf("signature tries = %d, %v", n, err)
	}
	if err := a.Verify(sigPIN(t, "abc123")); err != nil { // lower case is upper-cased
		t.Fatal(err)
	}
	c, raw, err := a.ReadSignatureCert()
	if err != nil || !bytes.Equal(raw, profile(t, jpkisim.TokenCard).SigCert) {
		t.Fatalf("read after PIN: %v", err)
	}
	if _, _, err := a.ReadSignatureCACert(); err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("document"))
	sig, err := a.Sign(jpki.SignatureKey, jpki.DigestInfoSHA256(digest))
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(c.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatal(err)
	}
}

func TestChangePIN(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	if err := a.ChangePIN(authPIN(t, "1234"), authPIN(t, "5678")); err != nil {
		t.Fatal(err)
	}
	a = open(t, tr, nil)
	if err := a.Verify(authPIN(t, "1234")); err == nil {
		t.Fatal("old PIN still works")
	}
	if err := a.Verify(authPIN(t, "5678")); err != nil {
		t.Fatalf("new PIN: %v", err)
	}
	if err := a.ChangePIN(authPIN(t, "0000"), authPIN(t, "1111")); err == nil {
		t.Fatal("change with a wrong old PIN succeeded")
	}
}

func TestSmartphoneTokens(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenAndroid, nil)
	a := open(t, tr, nil)
	if _, _, err := a.ReadUserAuthCert(); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("android: certificate before PIN: %v", err)
	}
	if err := a.Verify(authPIN(t, "1234")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.ReadUserAuthCert(); err != nil {
		t.Fatalf("android: certificate after PIN: %v", err)
	}

	_, tr = newCard(t, jpkisim.TokenIPhone, nil)
	a = open(t, tr, nil)
	cert, _, err := a.ReadUserAuthCert()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("c"))
	sig, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(digest))
	if err != nil {
		t.Fatalf("iphone signs after its own biometric check: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedPINNeverReachesCard(t *testing.T) {
	card, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	before := card.APDUs()
	for _, s := range []string{"", "123", "12345", "12a4", "１２３４"} {
		b := []byte(s)
		if _, err := jpki.NewAuthPIN(b); !errors.Is(err, jpki.ErrPINFormat) {
			t.Errorf("NewAuthPIN(%q) = %v, want ErrPINFormat", s, err)
		}
		if bytes.ContainsFunc(b, func(r rune) bool { return r != 0 }) {
			t.Errorf("NewAuthPIN(%q) left the rejected bytes in the buffer", s)
		}
	}
	for s, rule := range map[string]string{"AB12": "length", "ABCDEFGHIJ1234567": "length", "ABCDEF": "digit",
		"123456": "letter", "ABC-123": "charset", "ＡＢ12": "charset"} {
		var re *jpki.PINRuleError
		if _, err := jpki.NewSignaturePIN([]byte(s)); !errors.As(err, &re) || re.Rule != rule {
			t.Errorf("NewSignaturePIN(%q) = %v, want rule %q", s, err, rule)
		}
	}
	if card.APDUs() != before {
		t.Fatal("a malformed PIN reached the card")
	}
	if auth, sig := card.Tries(); auth != 3 || sig != 5 {
		t.Fatalf("tries changed: %d %d", auth, sig)
	}
	_ = a
}

func TestPINIsZeroedAfterUse(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	buf := []byte("1234")
	p, err := jpki.NewAuthPIN(buf)
	if err != nil {
		t.Fatal(err)
	}
	var sent []byte
	tr.Trace(func(cmd, _ []byte) { sent = cmd })
	if err := a.Verify(p); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf, make([]byte, 4)) {
		t.Fatalf("PIN buffer not zeroed: %q", buf)
	}
	if bytes.Contains(sent, []byte("1234")) {
		t.Fatal("command buffer still holds the PIN after Verify")
	}
	if err := a.Verify(p); !errors.Is(err, jpki.ErrPINUsed) {
		t.Fatalf("reusing a zeroed PIN: %v", err)
	}
	// Wrong PIN: zeroed as well.
	buf = []byte("9999")
	p, _ = jpki.NewAuthPIN(buf)
	_ = a.Verify(p)
	if !bytes.Equal(buf, make([]byte, 4)) {
		t.Fatal("wrong PIN buffer not zeroed")
	}
}

func TestRemovalMidRead(t *testing.T) {
	for _, opts := range []*jpki.Opts{nil, {ShortOnly: true}} {
		_, tr := newCard(t, jpkisim.TokenCard, nil)
		a := open(t, tr, opts)
		tr.RemoveAfter(2) // the second read command loses the card (short) / the sign (extended)
		c, raw, err := a.ReadUserAuthCert()
		if opts == nil {
			if err != nil {
				t.Fatalf("extended read is one command: %v", err)
			}
			_, err = a.Tries(jpki.AuthPINRef)
			if !errors.Is(err, jpki.ErrCardRemoved) {
				t.Fatalf("command after removal: %v", err)
			}
			continue
		}
		if !errors.Is(err, jpki.ErrCardRemoved) || c != nil || raw != nil {
			t.Fatalf("removal mid-read: %v, cert %v, %d bytes; want ErrCardRemoved and nothing", err, c != nil, len(raw))
		}
		if _, err := a.Tries(jpki.AuthPINRef); !errors.Is(err, jpki.ErrCardRemoved) {
			t.Fatalf("after removal: %v", err)
		}
	}
}

// scripted answers fixed responses to whatever is sent, for malformed-answer tests.
type scripted struct {
	answers [][]byte
	err     error
	sent    [][]byte
}

func (s *scripted) Transmit(cmd []byte) ([]byte, error) {
	s.sent = append(s.sent, append([]byte{}, cmd...))
	if len(s.answers) == 0 {
		return nil, s.err
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

func TestNotAMyNumberCard(t *testing.T) {
	_, err := jpki.Open(&scripted{answers: [][]byte{{0x6A, 0x82}}}, nil)
	if !errors.Is(err, jpki.ErrNotJPKI) {
		t.Fatalf("Open = %v, want ErrNotJPKI", err)
	}
}

func TestMalformedAnswers(t *testing.T) {
	ok := []byte{0x90, 0x00}
	cases := []struct {
		name    string
		answers [][]byte
		do      func(*jpki.App) error
		want    error
	}{
		{"one-byte answer", [][]byte{{0x90}}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"not DER", [][]byte{{0x04, 0x82, 0x00, 0x90, 0x00}, ok}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"DER longer than the file", [][]byte{{0x30, 0x82, 0x06, 0x1F, 1, 2, 0x90, 0x00}, {0x6B, 0x00}}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"DER object too large", [][]byte{{0x30, 0x83, 0x10, 0x00, 0x00, 0x90, 0x00}}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"empty 9000 mid-object", [][]byte{{0x30, 0x82, 0x01, 0x00, 0x90, 0x00}, ok}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"garbage certificate", [][]byte{append([]byte{0x30, 0x03, 1, 2, 3}, ok...)}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrMalformed},
		{"short signature", [][]byte{append(make([]byte, 100), ok...)}, func(a *jpki.App) error {
			_, err := a.Sign(jpki.UserAuthKey, []byte{1})
			return err
		}, jpki.ErrMalformed},
		{"unknown token label", [][]byte{append([]byte("SOMETHING ELSE"), ok...)}, func(a *jpki.App) error { _, err := a.Token(); return err }, jpki.ErrMalformed},
		{"6983 is blocked", [][]byte{{0x69, 0x83}}, func(a *jpki.App) error { return a.Verify(authPIN(t, "1234")) }, jpki.ErrBlocked},
		{"6982 on read", [][]byte{{0x69, 0x82}}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrSecurityStatus},
		{"6A82 on read", [][]byte{{0x6A, 0x82}}, func(a *jpki.App) error { _, _, err := a.ReadUserAuthCert(); return err }, jpki.ErrFileNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{answers: append([][]byte{ok}, tc.answers...), err: errors.New("no more answers")}
			a := open(t, s, nil)
			if err := tc.do(a); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// Any other status word is kept for the technician.
	s := &scripted{answers: [][]byte{ok, {0x6F, 0x00}}}
	var se *jpki.StatusError
	if _, err := open(t, s, nil).Tries(jpki.AuthPINRef); !errors.As(err, &se) || se.SW != 0x6F00 {
		t.Fatalf("6F00: %v", err)
	}
}

func TestResetStandIn(t *testing.T) {
	p := profile(t, jpkisim.TokenCard)
	card, tr := newCard(t, jpkisim.TokenCard, nil)
	a := open(t, tr, nil)
	// Block the signature PIN first.
	for i := 0; i < 5; i++ {
		_ = a.Verify(sigPIN(t, "WRONG1"))
	}
	if _, sig := card.Tries(); sig != 0 {
		t.Fatalf("signature PIN not blocked: %d", sig)
	}
	h := sha256.Sum256(p.AuthCert)
	key := pinreset.CardKey(master, h[:])

	// No challenge yet: refused.
	if err := a.ResetPIN(make([]byte, 32), sigPIN(t, "NEWPIN9")); !errors.Is(err, jpki.ErrConditions) {
		t.Fatalf("reset without challenge: %v", err)
	}
	ch, err := a.Challenge()
	if err != nil {
		t.Fatal(err)
	}
	// A MAC for the other PIN is refused and spends the challenge.
	if err := a.ResetPIN(pinreset.MAC(key, ch, pinreset.RefAuthPIN, h[:]), sigPIN(t, "NEWPIN9")); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("reset with the wrong PIN's MAC: %v", err)
	}
	if err := a.ResetPIN(pinreset.MAC(key, ch, pinreset.RefSignaturePIN, h[:]), sigPIN(t, "NEWPIN9")); !errors.Is(err, jpki.ErrConditions) {
		t.Fatalf("reuse of a spent challenge: %v", err)
	}
	ch, err = a.Challenge()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ResetPIN(pinreset.MAC(key, ch, pinreset.RefSignaturePIN, h[:]), sigPIN(t, "newpin9")); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if _, sig := card.Tries(); sig != 5 {
		t.Fatalf("counter after reset = %d, want 5", sig)
	}
	if err := a.Verify(sigPIN(t, "NEWPIN9")); err != nil {
		t.Fatalf("new PIN after reset: %v", err)
	}
	// A card bound MAC does not work on another card.
	other, err := jpkisim.GenerateProfile(jpkisim.GenOpts{ResetMaster: master})
	if err != nil {
		t.Fatal(err)
	}
	oc, _ := jpkisim.New(other, nil)
	oa := open(t, jpkisim.NewTransport(oc), nil)
	och, _ := oa.Challenge()
	if err := oa.ResetPIN(pinreset.MAC(key, och, pinreset.RefSignaturePIN, h[:]), sigPIN(t, "NEWPIN9")); !errors.Is(err, jpki.ErrSecurityStatus) {
		t.Fatalf("MAC for another card accepted: %v", err)
	}
}

func TestLoginAPDUBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *jpki.Opts
		max  int
	}{{"extended", nil, 5}, {"short only", &jpki.Opts{ShortOnly: true}, 12}} {
		_, tr := newCard(t, jpkisim.TokenCard, nil)
		n, err := login(tr, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if n > tc.max {
			t.Errorf("%s login took %d APDUs, budget %d", tc.name, n, tc.max)
		}
		t.Logf("%s login: %d APDUs (certificate %d bytes)", tc.name, n, len(profile(t, jpkisim.TokenCard).AuthCert))
	}
}

// login is the kiosk's login sequence: select, read the user-auth certificate, tries, verify,
// sign. It returns the APDUs used.
func login(tr jpki.Transport, o *jpki.Opts) (int, error) {
	a, err := jpki.Open(tr, o)
	if err != nil {
		return 0, err
	}
	cert, _, err := a.ReadUserAuthCert()
	if err != nil {
		return 0, err
	}
	if _, err := a.Tries(jpki.AuthPINRef); err != nil {
		return 0, err
	}
	p, err := jpki.NewAuthPIN([]byte("1234"))
	if err != nil {
		return 0, err
	}
	if err := a.Verify(p); err != nil {
		return 0, err
	}
	d := sha256.Sum256([]byte("challenge"))
	sig, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(d))
	if err != nil {
		return 0, err
	}
	if err := cert.CheckSignature(x509.SHA256WithRSA, []byte("challenge"), sig); err != nil {
		return 0, err
	}
	return a.APDUs(), nil
}

func BenchmarkLogin(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts *jpki.Opts
	}{{"extended", nil}, {"short", &jpki.Opts{ShortOnly: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			_, tr := newCard(b, jpkisim.TokenCard, nil)
			n := 0
			for i := 0; i < b.N; i++ {
				var err error
				if n, err = login(tr, tc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "APDUs/login")
		})
	}
}

func TestContents(t *testing.T) {
	_, tr := newCard(t, jpkisim.TokenCard, nil)
	auth, sig, err := open(t, tr, nil).Contents()
	if err != nil || !auth || !sig {
		t.Fatalf("Contents = %v %v %v", auth, sig, err)
	}
	p, err := jpkisim.GenerateProfile(jpkisim.GenOpts{NoSigCert: true})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := jpkisim.New(p, nil)
	a := open(t, jpkisim.NewTransport(c), nil)
	if auth, sig, err := a.Contents(); err != nil || !auth || sig {
		t.Fatalf("child's card: Contents = %v %v %v", auth, sig, err)
	}
	if _, err := a.Tries(jpki.SignaturePINRef); err == nil {
		t.Fatal("child's card answered tries for a signature PIN it does not have")
	}
}
