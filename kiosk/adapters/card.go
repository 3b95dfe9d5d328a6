package adapters

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"certkiosk/kiosk"
	"certkiosk/kiosk/jpki"
)

// CardConn is one connection to the card on the reader (hw/card.Conn in production).
type CardConn interface {
	jpki.Transport
	Close() error
}

// Card is the machine's Card port over kiosk/jpki.
//
// It connects lazily on the first command after a card was placed and keeps that connection
// until Drop (the wiring calls it when the reader reports the card gone). Each Read starts a
// fresh conversation: the application is selected again, which also forgets verified PINs.
type Card struct {
	// Connect opens a connection to the card now on the reader.
	Connect func(ctx context.Context) (CardConn, error)
	// LoginMessage builds the bytes the center checks for a login challenge
	// (kiosk/center.LoginMessage bound to this kiosk's id).
	LoginMessage func(nonce []byte) []byte
	// Opts tunes the protocol (ShortOnly for readers that refuse extended length).
	Opts *jpki.Opts

	mu   sync.Mutex
	conn CardConn
	app  *jpki.App
}

// Drop forgets the connection (the card left the reader, or the session ended).
func (c *Card) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked()
}

func (c *Card) dropLocked() {
	if c.conn != nil {
		c.conn.Close()
	}
	c.conn, c.app = nil, nil
}

// session returns the open application, connecting when needed; fresh re-selects it.
func (c *Card) session(ctx context.Context, fresh bool) (*jpki.App, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.app != nil && fresh {
		if err := c.app.Reselect(); err != nil {
			c.dropLocked() // a stale connection: try once more with a new one
		} else {
			return c.app, nil
		}
	}
	if c.app != nil {
		return c.app, nil
	}
	conn, err := c.Connect(ctx)
	if err != nil {
		return nil, cardErr(err)
	}
	app, err := jpki.Open(conn, c.Opts)
	if err != nil {
		conn.Close()
		return nil, cardErr(err)
	}
	c.conn, c.app = conn, app
	return app, nil
}

// cardErr maps protocol and transport errors to the machine's card errors.
func cardErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jpki.ErrCardRemoved), errors.Is(err, errNoCard):
		return fmt.Errorf("%w: %v", kiosk.ErrCardRemoved, err)
	case errors.Is(err, jpki.ErrNotJPKI):
		return fmt.Errorf("%w: %v", kiosk.ErrNotMyNumber, err)
	}
	return err
}

// errNoCard lets a Connect function say the reader is empty; hw/card's ErrNoCard wraps into it
// through NoCard.
var errNoCard = errors.New("no card on the reader")

// NoCard marks err (for example hw/card.ErrNoCard) as "the card is not there".
func NoCard(err error) error { return fmt.Errorf("%w: %w", errNoCard, err) }

func pinRef(k kiosk.PINKind) jpki.PINRef {
	if k == kiosk.SignaturePIN {
		return jpki.SignaturePINRef
	}
	return jpki.AuthPINRef
}

func tokenKind(t jpki.TokenKind) kiosk.TokenKind {
	switch t {
	case jpki.TokenCard:
		return kiosk.TokenCard
	case jpki.TokenAndroid:
		return kiosk.TokenAndroid
	case jpki.TokenIPhone:
		return kiosk.TokenIPhone
	}
	return kiosk.TokenUnknown
}

// Read implements kiosk.Card: token, user-auth certificate (not on the Android token, which
// shows it only after the PIN) and tries left. Which certificates exist (EF 0008) is read only
// for signature-PIN logins, the one case where the machine asks.
func (c *Card) Read(ctx context.Context, pin kiosk.PINKind) (kiosk.CardInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	app, err := c.session(ctx, true)
	if err != nil {
		return kiosk.CardInfo{}, err
	}
	tok, err := app.Token()
	if err != nil {
		return kiosk.CardInfo{}, cardErr(err)
	}
	info := kiosk.CardInfo{Token: tokenKind(tok), HasAuthCert: true, HasSignatureCert: true}
	if info.Token == kiosk.TokenUnknown {
		return kiosk.CardInfo{}, fmt.Errorf("%w: token %v", kiosk.ErrNotMyNumber, tok)
	}
	if info.Token != kiosk.TokenAndroid {
		cert, der, err := app.ReadUserAuthCert()
		switch {
		case errors.Is(err, jpki.ErrFileNotFound):
			info.HasAuthCert = false
		case err != nil:
			return kiosk.CardInfo{}, cardErr(err)
		default:
			ci := kiosk.CertInfo{DER: der, SHA256: sha256.Sum256(der), NotAfter: cert.NotAfter,
				RenewFrom: cert.NotAfter.AddDate(0, -3, 0)}
			info.AuthCert = &ci
		}
	}
	if pin == kiosk.SignaturePIN {
		if info.HasAuthCert, info.HasSignatureCert, err = app.Contents(); err != nil {
			return kiosk.CardInfo{}, cardErr(err)
		}
		if !info.HasSignatureCert {
			return info, nil
		}
	}
	if info.TriesLeft, err = app.Tries(pinRef(pin)); err != nil {
		return kiosk.CardInfo{}, cardErr(err)
	}
	return info, nil
}

// Verify implements kiosk.Card. value is handed to jpki, which zeroes it once sent.
func (c *Card) Verify(ctx context.Context, pin kiosk.PINKind, value []byte) (kiosk.VerifyResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := newPIN(pin, value)
	if err != nil {
		// The machine checks the rules before it asks; a malformed PIN here is a bug, and it
		// must still never reach the card.
		return kiosk.VerifyResult{}, err
	}
	app, err := c.session(ctx, false)
	if err != nil {
		p.Zero()
		return kiosk.VerifyResult{}, err
	}
	err = app.Verify(p)
	var pe *jpki.PINError
	switch {
	case err == nil:
		return kiosk.VerifyResult{OK: true, TriesLeft: pinRef(pin).MaxTries()}, nil
	case errors.As(err, &pe):
		return kiosk.VerifyResult{TriesLeft: pe.Remaining}, nil
	case errors.Is(err, jpki.ErrBlocked):
		return kiosk.VerifyResult{Blocked: true}, nil
	}
	return kiosk.VerifyResult{}, cardErr(err)
}

func newPIN(k kiosk.PINKind, value []byte) (jpki.PIN, error) {
	if k == kiosk.SignaturePIN {
		return jpki.NewSignaturePIN(value)
	}
	return jpki.NewAuthPIN(value)
}

// ReadCert implements kiosk.Card.
func (c *Card) ReadCert(ctx context.Context, kind kiosk.PINKind) (kiosk.CertInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	app, err := c.session(ctx, false)
	if err != nil {
		return kiosk.CertInfo{}, err
	}
	read := app.ReadUserAuthCert
	if kind == kiosk.SignaturePIN {
		read = app.ReadSignatureCert
	}
	cert, der, err := read()
	if err != nil {
		return kiosk.CertInfo{}, cardErr(err)
	}
	return kiosk.CertInfo{DER: der, SHA256: sha256.Sum256(der), NotAfter: cert.NotAfter,
		RenewFrom: cert.NotAfter.AddDate(0, -3, 0)}, nil
}

// Sign implements kiosk.Card: the card signs SHA-256(LoginMessage(nonce)) as a DigestInfo.
func (c *Card) Sign(ctx context.Context, key kiosk.PINKind, ch kiosk.Challenge) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	app, err := c.session(ctx, false)
	if err != nil {
		return nil, err
	}
	ref := jpki.UserAuthKey
	if key == kiosk.SignaturePIN {
		ref = jpki.SignatureKey
	}
	d := sha256.Sum256(c.LoginMessage(ch.Nonce))
	sig, err := app.Sign(ref, jpki.DigestInfoSHA256(d))
	return sig, cardErr(err)
}

// ResetChallenge implements kiosk.Card.
func (c *Card) ResetChallenge(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	app, err := c.session(ctx, false)
	if err != nil {
		return nil, err
	}
	ch, err := app.Challenge()
	return ch, cardErr(err)
}

// ApplyReset implements kiosk.Card: relays the center's MAC with the new PIN. A refusal by the
// card is ok=false with its status word.
func (c *Card) ApplyReset(ctx context.Context, pin kiosk.PINKind, cmd kiosk.ResetCommand, value []byte) (bool, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := newPIN(pin, value)
	if err != nil {
		return false, "", err
	}
	app, err := c.session(ctx, false)
	if err != nil {
		p.Zero()
		return false, "", err
	}
	if want := byte(pinRef(pin)); cmd.Ref != 0 && cmd.Ref != want {
		p.Zero()
		return false, "", fmt.Errorf("reset command for PIN ref %02X, machine asked for %02X", cmd.Ref, want)
	}
	err = app.ResetPIN(cmd.MAC, p)
	var se *jpki.StatusError
	switch {
	case err == nil:
		return true, "9000", nil
	case errors.Is(err, jpki.ErrSecurityStatus):
		return false, "6982", nil
	case errors.Is(err, jpki.ErrConditions):
		return false, "6985", nil
	case errors.Is(err, jpki.ErrRefusedData):
		return false, "6A80", nil
	case errors.As(err, &se):
		return false, fmt.Sprintf("%04X", se.SW), nil
	}
	return false, "", cardErr(err)
}
