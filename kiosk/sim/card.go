package sim

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/jpki/pinreset"
)

// MakeCert makes a stand-in certificate: opaque bytes with the given validity, renewal possible
// from three months before (domain.md §1).
func MakeCert(seed string, notAfter time.Time) kiosk.CertInfo {
	der := []byte("sim-cert:" + seed)
	return kiosk.CertInfo{DER: der, SHA256: sha256.Sum256(der), NotAfter: notAfter, RenewFrom: notAfter.AddDate(0, -3, 0)}
}

// Signature is what the simulated token "signs" for a challenge: the center checks it the same way.
func Signature(certSHA [32]byte, nonce []byte) []byte {
	m := hmac.New(sha256.New, certSHA[:])
	m.Write([]byte("sim-login"))
	m.Write(nonce)
	return m.Sum(nil)
}

// Card is a simulated JPKI token behind kiosk.Card. The PIN-reset command is checked with the real
// stand-in MAC (kiosk/jpki/pinreset).
type Card struct {
	mu        sync.Mutex
	Token     kiosk.TokenKind
	NotJPKI   bool
	AuthCert  *kiosk.CertInfo
	SigCert   *kiosk.CertInfo
	AuthPIN   string
	SigPIN    string
	AuthTries int
	SigTries  int
	ResetKey  []byte // pinreset.CardKey for this card

	removed   bool
	failNext  error
	hang      bool
	verified  map[kiosk.PINKind]bool
	challenge []byte

	// Seen keeps the PIN slices the kiosk handed over (aliases, not copies), so a test can check
	// the kiosk zeroed them.
	Seen [][]byte
}

// NewCard is a MyNumber card with both certificates and full tries.
func NewCard(seed, authPIN, sigPIN string, notAfter time.Time, master []byte) *Card {
	a := MakeCert(seed+"/auth", notAfter)
	s := MakeCert(seed+"/sig", notAfter)
	return &Card{Token: kiosk.TokenCard, AuthCert: &a, SigCert: &s, AuthPIN: authPIN, SigPIN: sigPIN,
		AuthTries: 3, SigTries: 5, ResetKey: pinreset.CardKey(master, a.SHA256[:])}
}

// Remove pulls the card: every command fails until Place.
func (c *Card) Remove() { c.mu.Lock(); c.removed = true; c.verified = nil; c.mu.Unlock() }

// Place puts it back.
func (c *Card) Place() { c.mu.Lock(); c.removed = false; c.mu.Unlock() }

// FailNext makes the next command fail with err.
func (c *Card) FailNext(err error) { c.mu.Lock(); c.failNext = err; c.mu.Unlock() }

// Hang makes commands wait until their context ends (a card that stopped answering).
func (c *Card) Hang(on bool) { c.mu.Lock(); c.hang = on; c.mu.Unlock() }

func (c *Card) enter(ctx context.Context) error {
	c.mu.Lock()
	hang := c.hang
	c.mu.Unlock()
	if hang {
		<-ctx.Done()
		return fmt.Errorf("sim card: %w", ctx.Err())
	}
	// On success enter returns with c.mu held; the caller unlocks.
	c.mu.Lock()
	var err error
	switch {
	case c.removed:
		err = kiosk.ErrCardRemoved
	case c.failNext != nil:
		err, c.failNext = c.failNext, nil
	case c.NotJPKI:
		err = kiosk.ErrNotMyNumber
	}
	if err != nil {
		c.mu.Unlock()
	}
	return err
}

func (c *Card) tries(k kiosk.PINKind) *int {
	if k == kiosk.SignaturePIN {
		return &c.SigTries
	}
	return &c.AuthTries
}

// Read implements kiosk.Card.
func (c *Card) Read(ctx context.Context, pin kiosk.PINKind) (kiosk.CardInfo, error) {
	if err := c.enter(ctx); err != nil {
		return kiosk.CardInfo{}, err
	}
	defer c.mu.Unlock()
	c.verified = nil
	info := kiosk.CardInfo{Token: c.Token, HasAuthCert: c.AuthCert != nil, HasSignatureCert: c.SigCert != nil,
		TriesLeft: *c.tries(pin)}
	if c.AuthCert != nil && c.Token != kiosk.TokenAndroid {
		a := *c.AuthCert
		info.AuthCert = &a
	}
	return info, nil
}

// Verify implements kiosk.Card.
func (c *Card) Verify(ctx context.Context, pin kiosk.PINKind, value []byte) (kiosk.VerifyResult, error) {
	if err := c.enter(ctx); err != nil {
		return kiosk.VerifyResult{}, err
	}
	defer c.mu.Unlock()
	c.Seen = append(c.Seen, value)
	t := c.tries(pin)
	if *t <= 0 {
		return kiosk.VerifyResult{Blocked: true}, nil
	}
	want := c.AuthPIN
	if pin == kiosk.SignaturePIN {
		want = c.SigPIN
	}
	if !hmac.Equal([]byte(want), value) {
		*t--
		return kiosk.VerifyResult{TriesLeft: *t, Blocked: *t == 0}, nil
	}
	*t = 3
	if pin == kiosk.SignaturePIN {
		*t = 5
	}
	if c.verified == nil {
		c.verified = map[kiosk.PINKind]bool{}
	}
	c.verified[pin] = true
	return kiosk.VerifyResult{OK: true, TriesLeft: *t}, nil
}

// ReadCert implements kiosk.Card.
func (c *Card) ReadCert(ctx context.Context, cert kiosk.PINKind) (kiosk.CertInfo, error) {
	if err := c.enter(ctx); err != nil {
		return kiosk.CertInfo{}, err
	}
	defer c.mu.Unlock()
	if !c.verified[cert] {
		return kiosk.CertInfo{}, errors.New("sim card: 6982 security status not satisfied")
	}
	ci := c.AuthCert
	if cert == kiosk.SignaturePIN {
		ci = c.SigCert
	}
	if ci == nil {
		return kiosk.CertInfo{}, errors.New("sim card: 6A82 no such certificate")
	}
	return *ci, nil
}

// Sign implements kiosk.Card.
func (c *Card) Sign(ctx context.Context, key kiosk.PINKind, ch kiosk.Challenge) ([]byte, error) {
	if err := c.enter(ctx); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	if !c.verified[key] && !(c.Token == kiosk.TokenIPhone && key == kiosk.UserAuthPIN) {
		return nil, errors.New("sim card: 6982 security status not satisfied")
	}
	ci := c.AuthCert
	if key == kiosk.SignaturePIN {
		ci = c.SigCert
	}
	return Signature(ci.SHA256, ch.Nonce), nil
}

// ResetChallenge implements kiosk.Card.
func (c *Card) ResetChallenge(ctx context.Context) ([]byte, error) {
	if err := c.enter(ctx); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	c.challenge = make([]byte, pinreset.ChallengeLen)
	if _, err := rand.Read(c.challenge); err != nil {
		return nil, fmt.Errorf("sim card challenge: %w", err)
	}
	return append([]byte(nil), c.challenge...), nil
}

// ApplyReset implements kiosk.Card: the MAC must authorise this card, this challenge and this PIN.
func (c *Card) ApplyReset(ctx context.Context, pin kiosk.PINKind, cmd kiosk.ResetCommand, newPIN []byte) (bool, string, error) {
	if err := c.enter(ctx); err != nil {
		return false, "", err
	}
	defer c.mu.Unlock()
	c.Seen = append(c.Seen, newPIN)
	ch := c.challenge
	c.challenge = nil
	if ch == nil {
		return false, "6985", nil
	}
	ref := byte(pinreset.RefSignaturePIN)
	if pin == kiosk.UserAuthPIN {
		ref = pinreset.RefAuthPIN
	}
	want := pinreset.MAC(c.ResetKey, ch, ref, c.AuthCert.SHA256[:])
	if cmd.Ref != ref || !hmac.Equal(want, cmd.MAC) {
		return false, "6982", nil
	}
	if pin == kiosk.UserAuthPIN {
		c.AuthPIN, c.AuthTries = string(newPIN), 3
	} else {
		c.SigPIN, c.SigTries = string(newPIN), 5
	}
	return true, "", nil
}
