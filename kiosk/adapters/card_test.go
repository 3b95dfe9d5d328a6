package adapters

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"testing"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/jpki/pinreset"
)

var (
	cardOnce sync.Once
	cardProf map[string]jpkisim.Profile
	genErr   error
	master   = []byte("adapter test master")
)

func simProfile(t *testing.T, token string) jpkisim.Profile {
	t.Helper()
	cardOnce.Do(func() {
		cardProf = map[string]jpkisim.Profile{}
		for _, k := range []string{jpkisim.TokenCard, jpkisim.TokenAndroid} {
			p, err := jpkisim.GenerateProfile(jpkisim.GenOpts{Token: k, ResetMaster: master})
			if err != nil {
				genErr = err
				return
			}
			cardProf[k] = p
		}
	})
	if genErr != nil {
		t.Fatal(genErr)
	}
	return cardProf[token]
}

type simConn struct {
	*jpkisim.Transport
	closed *int
}

func (s simConn) Close() error { *s.closed++; return nil }

func msg(nonce []byte) []byte { return append([]byte("LOGIN:"), nonce...) }

func newAdapterFromProfile(t *testing.T, p jpkisim.Profile) (*jpkisim.Card, *Card) {
	t.Helper()
	c, err := jpkisim.New(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := jpkisim.NewTransport(c)
	return c, &Card{
		Connect:      func(context.Context) (CardConn, error) { return simConn{tr, new(int)}, nil },
		LoginMessage: func(n []byte) []byte { return center.LoginMessage(n, "kiosk-adapters") },
	}
}

func newAdapter(t *testing.T, token string) (*Card, *jpkisim.Card, *jpkisim.Transport, *int) {
	c, err := jpkisim.New(simProfile(t, token), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := jpkisim.NewTransport(c)
	closed := new(int)
	a := &Card{
		Connect:      func(context.Context) (CardConn, error) { return simConn{tr, closed}, nil },
		LoginMessage: msg,
	}
	return a, c, tr, closed
}

func TestCardAdapterLogin(t *testing.T) {
	ctx := context.Background()
	a, _, _, _ := newAdapter(t, jpkisim.TokenCard)
	info, err := a.Read(ctx, kiosk.UserAuthPIN)
	if err != nil {
		t.Fatal(err)
	}
	if info.Token != kiosk.TokenCard || info.AuthCert == nil || info.TriesLeft != 3 ||
		info.AuthCert.RenewFrom.AddDate(0, 3, 0) != info.AuthCert.NotAfter {
		t.Fatalf("info %+v", info)
	}
	pin := []byte("9999")
	r, err := a.Verify(ctx, kiosk.UserAuthPIN, pin)
	if err != nil || r.OK || r.TriesLeft != 2 {
		t.Fatalf("wrong PIN: %+v %v", r, err)
	}
	if string(pin) != "\x00\x00\x00\x00" {
		t.Fatal("PIN buffer not zeroed")
	}
	if r, err := a.Verify(ctx, kiosk.UserAuthPIN, []byte("1234")); err != nil || !r.OK {
		t.Fatalf("right PIN: %+v %v", r, err)
	}
	ch := kiosk.Challenge{ID: "c1", Nonce: []byte("nonce-123")}
	sig, err := a.Sign(ctx, kiosk.UserAuthPIN, ch)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(info.AuthCert.DER)
	d := sha256.Sum256(msg(ch.Nonce))
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, d[:], sig); err != nil {
		t.Fatalf("login signature: %v", err)
	}
	// A malformed PIN is refused before the card.
	if _, err := a.Verify(ctx, kiosk.UserAuthPIN, []byte("12")); err == nil {
		t.Fatal("malformed PIN accepted")
	}
}

func TestCardAdapterBlockedAndRemoved(t *testing.T) {
	ctx := context.Background()
	a, _, tr, closed := newAdapter(t, jpkisim.TokenCard)
	if _, err := a.Read(ctx, kiosk.UserAuthPIN); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		a.Verify(ctx, kiosk.UserAuthPIN, []byte("0000"))
	}
	if r, err := a.Verify(ctx, kiosk.UserAuthPIN, []byte("0000")); err != nil || !r.Blocked {
		t.Fatalf("last wrong try: %+v %v", r, err)
	}
	tr.Remove()
	if _, err := a.Sign(ctx, kiosk.UserAuthPIN, kiosk.Challenge{Nonce: []byte{1}}); !errors.Is(err, kiosk.ErrCardRemoved) {
		t.Fatalf("sign after removal: %v", err)
	}
	a.Drop()
	if *closed != 1 {
		t.Fatalf("connection closed %d times", *closed)
	}
	a.Connect = func(context.Context) (CardConn, error) { return nil, NoCard(errors.New("reader empty")) }
	if _, err := a.Read(ctx, kiosk.UserAuthPIN); !errors.Is(err, kiosk.ErrCardRemoved) {
		t.Fatalf("read with no card: %v", err)
	}
}

type notJPKI struct{}

func (notJPKI) Transmit([]byte) ([]byte, error) { return []byte{0x6A, 0x82}, nil }
func (notJPKI) Close() error                    { return nil }

func TestCardAdapterNotMyNumber(t *testing.T) {
	a := &Card{Connect: func(context.Context) (CardConn, error) { return notJPKI{}, nil }, LoginMessage: msg}
	if _, err := a.Read(context.Background(), kiosk.UserAuthPIN); !errors.Is(err, kiosk.ErrNotMyNumber) {
		t.Fatalf("foreign card: %v", err)
	}
}

func TestCardAdapterAndroidAndReset(t *testing.T) {
	ctx := context.Background()
	a, c, _, _ := newAdapter(t, jpkisim.TokenAndroid)
	info, err := a.Read(ctx, kiosk.UserAuthPIN)
	if err != nil || info.Token != kiosk.TokenAndroid || info.AuthCert != nil {
		t.Fatalf("android read: %+v %v", info, err)
	}
	if r, err := a.Verify(ctx, kiosk.UserAuthPIN, []byte("1234")); err != nil || !r.OK {
		t.Fatal(r, err)
	}
	ci, err := a.ReadCert(ctx, kiosk.UserAuthPIN)
	if err != nil || len(ci.DER) == 0 {
		t.Fatalf("android cert after PIN: %v", err)
	}
	// Reset the signature PIN through the stand-in.
	ch, err := a.ResetChallenge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := pinreset.CardKey(master, ci.SHA256[:])
	cmd := kiosk.ResetCommand{ID: "r1", Ref: pinreset.RefSignaturePIN, MAC: pinreset.MAC(key, ch, pinreset.RefSignaturePIN, ci.SHA256[:])}
	ok, sw, err := a.ApplyReset(ctx, kiosk.SignaturePIN, cmd, []byte("new12345"))
	if err != nil || !ok || sw != "9000" {
		t.Fatalf("reset: %v %s %v", ok, sw, err)
	}
	// The same command again: the challenge is spent.
	ok, sw, err = a.ApplyReset(ctx, kiosk.SignaturePIN, cmd, []byte("NEW12345"))
	if err != nil || ok || sw != "6985" {
		t.Fatalf("replayed reset: %v %s %v", ok, sw, err)
	}
	if _, sig := c.Tries(); sig != 5 {
		t.Fatalf("signature tries %d", sig)
	}
	info, err = a.Read(ctx, kiosk.SignaturePIN)
	if err != nil || !info.HasSignatureCert || info.TriesLeft != 5 {
		t.Fatalf("signature read: %+v %v", info, err)
	}
	if r, err := a.Verify(ctx, kiosk.SignaturePIN, []byte("new12345")); err != nil || !r.OK {
		t.Fatalf("new signature PIN: %+v %v", r, err)
	}
}
