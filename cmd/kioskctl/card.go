package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"certkiosk/hw/card"
	"certkiosk/kiosk/jpki"
)

func init() {
	register(command{name: "card", summary: "card reader checks: probe", run: runCard})
}

func runCard(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "probe" {
		fmt.Fprintln(stderr, "usage: kioskctl card probe [-reader NAME] [-wait DURATION] [-pin PIN] [-short] [-force]")
		return errUsage
	}
	fs := flag.NewFlagSet("card probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reader := fs.String("reader", "", "use the first reader whose name contains `NAME`")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for a card")
	pinFlag := fs.String("pin", "", "user-auth PIN: also verify it and sign a fresh challenge (spends a try if wrong)")
	short := fs.Bool("short", false, "never use extended-length APDUs")
	force := fs.Bool("force", false, "send the PIN even when only one try is left")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var pin *jpki.AuthPIN
	if *pinFlag != "" {
		var err error
		// A malformed PIN is refused here: it never reaches the card.
		if pin, err = jpki.NewAuthPIN([]byte(*pinFlag)); err != nil {
			return err
		}
		defer pin.Zero()
	}
	ctx, cancel := context.WithTimeout(context.Background(), *wait)
	defer cancel()
	name, err := card.WaitCard(ctx, *reader)
	if err != nil {
		if errors.Is(err, card.ErrNoCard) {
			if rs, lerr := card.Readers(); lerr == nil && len(rs) == 0 {
				return card.ErrNoReader
			}
			return fmt.Errorf("no card placed within %v: %w", *wait, err)
		}
		return err
	}
	conn, err := card.Connect(name)
	if err != nil {
		return err
	}
	defer conn.Close()
	return probe(conn, stdout, pin, *short, *force)
}

// recorder keeps every exchange for the report, with PIN data masked.
type recorder struct {
	t   jpki.Transport
	log []string
}

func (r *recorder) Transmit(cmd []byte) ([]byte, error) {
	shown := cmd
	if len(cmd) > 5 && (cmd[1] == 0x20 || cmd[1] == 0x24 || cmd[1] == 0x2C) {
		shown = append(append([]byte{}, cmd[:5]...), []byte(strings.Repeat("*", len(cmd)-5))...)
	}
	resp, err := r.t.Transmit(cmd)
	line := fmt.Sprintf("> % X", shown)
	if len(shown) > 5 && shown[5] == '*' {
		line = fmt.Sprintf("> % X (%d PIN bytes hidden)", shown[:5], len(cmd)-5)
	}
	switch {
	case err != nil:
		line += fmt.Sprintf("\n    < error: %v", err)
	case len(resp) > 34:
		line += fmt.Sprintf("\n    < % X … (%d data bytes) %X", resp[:16], len(resp)-2, resp[len(resp)-2:])
	default:
		line += fmt.Sprintf("\n    < % X", resp)
	}
	r.log = append(r.log, line)
	return resp, err
}

// probeConn is what probe needs of a reader connection.
type probeConn interface {
	jpki.Transport
	Reader() string
	ATR() []byte
	Protocol() string
}

func probe(conn probeConn, w io.Writer, pin *jpki.AuthPIN, short, force bool) error {
	rec := &recorder{t: conn}
	defer func() {
		fmt.Fprintf(w, "APDUs:          %d\n", len(rec.log))
		for _, l := range rec.log {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}()
	fmt.Fprintf(w, "reader:         %s\n", conn.Reader())
	fmt.Fprintf(w, "ATR:            % X (%s)\n", conn.ATR(), conn.Protocol())
	a, err := jpki.Open(rec, &jpki.Opts{ShortOnly: short})
	if err != nil {
		return err
	}
	tok, err := a.Token()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "token:          %s\n", tok)
	if tok == jpki.TokenAndroid && pin != nil {
		// The Android token shows its certificate only after the PIN.
		n, err := a.Tries(jpki.AuthPINRef)
		if err != nil {
			return err
		}
		if err := verifyPIN(a, w, pin, n, force); err != nil {
			return err
		}
		pin = nil
	}
	cert, raw, err := a.ReadUserAuthCert()
	if err != nil {
		return err
	}
	renew := cert.NotAfter.AddDate(0, -3, 0)
	fmt.Fprintf(w, "user-auth certificate (%d bytes):\n", len(raw))
	fmt.Fprintf(w, "  serial:       %X\n", cert.SerialNumber)
	fmt.Fprintf(w, "  subject:      %s\n", cert.Subject)
	fmt.Fprintf(w, "  issuer:       %s\n", cert.Issuer)
	fmt.Fprintf(w, "  valid:        %s to %s\n", cert.NotBefore.Format(time.DateOnly), cert.NotAfter.Format(time.DateOnly))
	fmt.Fprintf(w, "  renewal from: %s (3 months before expiry)\n", renew.Format(time.DateOnly))
	now := time.Now()
	switch {
	case now.After(cert.NotAfter):
		fmt.Fprintf(w, "  state:        EXPIRED\n")
	case now.After(renew):
		fmt.Fprintf(w, "  state:        renewal possible now\n")
	}
	authTries, err := a.Tries(jpki.AuthPINRef)
	if err != nil {
		return err
	}
	sigTries, err := a.Tries(jpki.SignaturePINRef)
	sigLine := fmt.Sprintf("%d/5", sigTries)
	if errors.Is(err, jpki.ErrFileNotFound) || isRefNotFound(err) {
		sigLine = "no signature certificate"
	} else if err != nil {
		return err
	}
	fmt.Fprintf(w, "tries left:     user-auth PIN %d/3, signature PIN %s\n", authTries, sigLine)
	if pin == nil {
		return nil
	}
	if err := verifyPIN(a, w, pin, authTries, force); err != nil {
		return err
	}
	return signChallenge(a, w, cert)
}

func isRefNotFound(err error) bool {
	var se *jpki.StatusError
	return errors.As(err, &se) && se.SW == 0x6A88
}

// verifyPIN sends pin unless the PIN is blocked, or has one try left (n) and force is not set.
func verifyPIN(a *jpki.App, w io.Writer, pin *jpki.AuthPIN, n int, force bool) error {
	if n == 0 {
		pin.Zero()
		return fmt.Errorf("user-auth PIN is blocked: %w", jpki.ErrBlocked)
	}
	if n == 1 && !force {
		pin.Zero()
		return errors.New("only one try left: not sending the PIN (use -force to send it anyway)")
	}
	if err := a.Verify(pin); err != nil {
		return fmt.Errorf("verify PIN: %w", err)
	}
	fmt.Fprintf(w, "PIN:            verified\n")
	return nil
}

func signChallenge(a *jpki.App, w io.Writer, cert *x509.Certificate) error {
	challenge := make([]byte, 32)
	if _, err := rand.Read(challenge); err != nil {
		return err
	}
	d := sha256.Sum256(challenge)
	start := time.Now()
	sig, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(d))
	if err != nil {
		return err
	}
	took := time.Since(start)
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("user-auth certificate has a %T key, not RSA", cert.PublicKey)
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
		return fmt.Errorf("the card's signature does not verify against its certificate: %w", err)
	}
	fmt.Fprintf(w, "signature:      OK: fresh %d-byte challenge signed in %v, verified against the certificate\n",
		len(challenge), took.Round(time.Millisecond))
	return nil
}
