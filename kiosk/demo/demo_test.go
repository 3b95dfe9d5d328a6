package demo

import (
	"context"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/card/pcsctest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"
)

// start runs a demo kiosk for t and returns it with its screen watcher.
func start(t *testing.T, pcsc bool) (*Demo, *kiosk.Watcher) {
	t.Helper()
	var log *slog.Logger
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return startWith(t, Options{PCSC: pcsc, Log: log})
}

func play(t *testing.T, d *Demo, w *kiosk.Watcher, script string) {
	t.Helper()
	playWithin(t, d, w, script, 20*time.Second)
}

// playWithin plays script, waiting up to within for each expected screen.
func playWithin(t *testing.T, d *Demo, w *kiosk.Watcher, script string, within time.Duration) {
	t.Helper()
	steps, err := kiosk.ParseScript(strings.NewReader(script))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*within)
	defer cancel()
	if err := d.Play(ctx, w, steps, within); err != nil {
		t.Fatal(err)
	}
}

func checkIssuance(t *testing.T, d *Demo) {
	t.Helper()
	jobs, _ := filepath.Glob(filepath.Join(d.PagesDir, "job-*"))
	pages, _ := filepath.Glob(filepath.Join(d.PagesDir, "*", "page-*.png"))
	if len(jobs) != 2 || len(pages) < 2 {
		t.Fatalf("printed %d jobs, %d pages; want two copies", len(jobs), len(pages))
	}
	slips, _ := filepath.Glob(filepath.Join(d.SlipsDir, "slip-*.png"))
	if len(slips) != 1 {
		t.Fatalf("%d receipts", len(slips))
	}
	// A receiver checks a printed page offline with the municipalities' keys.
	kf, err := d.Center.KioskCredentials("verifier")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := kf.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := document.VerifyPage(img, creds.DocumentKeys)
	if err != nil {
		t.Fatalf("printed page does not verify: %v", err)
	}
	if res.Claims.Type != document.TypeJuminhyo {
		t.Fatalf("verified claims %+v", res.Claims)
	}
	if d.Cashbox.Taken != 500 {
		t.Fatalf("cashbox took %d", d.Cashbox.Taken)
	}
	// The completion reaches the center through the outbox.
	deadline := time.Now().Add(15 * time.Second)
	for {
		st, err := d.Outbox.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending == 0 && st.Dead == 0 && !st.LastDeliveredAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not delivered: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := d.Outbox.Journal().Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestIssuanceEndToEnd walks a whole issuance through the real parts: card protocol, center over
// mutual TLS, document verification and layout, file printer, receipt printer, outbox.
func TestIssuanceEndToEnd(t *testing.T) {
	d, w := start(t, false)
	play(t, d, w, IssuanceScript)
	checkIssuance(t, d)
}

func TestPINResetEndToEnd(t *testing.T) {
	d, w := start(t, false)
	if _, err := d.Center.Reserve(DefaultResident, center.CertSignature); err != nil {
		t.Fatal(err)
	}
	play(t, d, w, ResetScript)
	c := d.profile[DefaultResident]
	if _, sig := c.Tries(); sig != 5 {
		t.Fatalf("signature tries %d", sig)
	}
	// The card really has the new PIN: log in for a mirror reset with it? Here: verify directly.
	a := d.cardAd
	a.Drop()
	if err := d.PlaceResident(DefaultResident); err != nil {
		t.Fatal(err)
	}
	if r, err := a.Verify(context.Background(), kiosk.SignaturePIN, []byte("NEW2468")); err != nil || !r.OK {
		t.Fatalf("new signature PIN on the card: %+v %v", r, err)
	}
	waitResetResult(t, d, "ok")
}

// waitResetResult waits until the center has the one reset's result, delivered through the
// kiosk's outbox.
func waitResetResult(t *testing.T, d *Demo, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rs, err := d.Center.ResetResults()
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 1 {
			for _, r := range rs {
				if r == want {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("reset results at the center %v, want one %q", rs, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIssuanceThroughPCSC is the same issuance with the card read through pcscd and vpcd.
func TestIssuanceThroughPCSC(t *testing.T) {
	pcsctest.Start(t)
	d, w := start(t, true)
	play(t, d, w, IssuanceScript)
	checkIssuance(t, d)
}

// TestMirrorResetEndToEnd resets the 4-digit PIN by logging in with the signature PIN.
func TestMirrorResetEndToEnd(t *testing.T) {
	d, w := start(t, false)
	if _, err := d.Center.Reserve(DefaultResident, center.CertAuth); err != nil {
		t.Fatal(err)
	}
	script := strings.NewReplacer("reset_signature_pin", "reset_user_pin", "pin 1234", "pin ABC123",
		"pin NEW2468", "pin 5678").Replace(ResetScript)
	play(t, d, w, script)
	a := d.cardAd
	a.Drop()
	if err := d.PlaceResident(DefaultResident); err != nil {
		t.Fatal(err)
	}
	if r, err := a.Verify(context.Background(), kiosk.UserAuthPIN, []byte("5678")); err != nil || !r.OK {
		t.Fatalf("new 4-digit PIN on the card: %+v %v", r, err)
	}
	waitResetResult(t, d, "ok")
}
