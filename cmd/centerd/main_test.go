package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
	"certkiosk/kiosk/document"
)

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func centerd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return out.String(), code
}

// TestCenterdEndToEnd starts centerd as its command line does, exports a kiosk and a card, logs
// in and gets a certificate over mutual TLS, and changes the world through the admin CLI.
func TestCenterdEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	listen, adminAddr := freePort(t), freePort(t)
	adminURL := "http://" + adminAddr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"-data", data, "-listen", listen, "-admin", adminAddr}, &logs, &logs)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(adminURL + server.AdminResidents)
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("centerd did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("centerd exited %d", code)
		}
	}()
	// Put the center's clock inside the service hours, near today (the PKI is dated from today).
	now := time.Now().In(server.JST)
	at := time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, server.JST)
	for (at.Month() == time.December && at.Day() >= 29) || (at.Month() == time.January && at.Day() <= 3) {
		at = at.AddDate(0, 0, 1)
	}
	if out, code := centerd(t, "admin", "-admin", adminURL, "clock", "-at", at.Format(time.RFC3339)); code != 0 {
		t.Fatal(out)
	}
	kdir, cardFile := filepath.Join(dir, "kiosk"), filepath.Join(dir, "r101.json")
	if out, code := centerd(t, "export-kiosk", "-admin", adminURL, "-kiosk", "kiosk-7", "-out", kdir); code != 0 {
		t.Fatal(out)
	}
	if out, code := centerd(t, "export-card", "-admin", adminURL, "-resident", "r101", "-out", cardFile); code != 0 {
		t.Fatal(out)
	}
	// The data directory is busy while centerd runs: the error says what to do.
	if out, code := centerd(t, "export-card", "-data", data, "-resident", "r101", "-out", cardFile); code == 0 || !strings.Contains(out, "-admin") {
		t.Fatalf("export from a busy data dir: %d %q", code, out)
	}
	cr, err := center.LoadCredentials(kdir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := jpkisim.LoadProfile(cardFile)
	if err != nil {
		t.Fatal(err)
	}
	if p.ResidentID != "r101" || len(p.ResetKey) != 32 || p.AuthPIN == "" || p.SigCert == nil {
		t.Fatalf("profile %+v", p.ResidentID)
	}
	cl := center.NewClient("https://"+listen, cr.TLSConfig())
	defer cl.Close()
	login := func() (center.Session, center.Challenge, error) {
		ch, err := cl.Challenge(context.Background(), center.NewKey(), center.PurposeIssue)
		if err != nil {
			t.Fatal(err)
		}
		k, err := x509.ParsePKCS8PrivateKey(p.AuthKey)
		if err != nil {
			t.Fatal(err)
		}
		d := sha256.Sum256(center.LoginMessage(ch.Nonce, cr.KioskID))
		sig, err := rsa.SignPKCS1v15(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		s, err := cl.Login(context.Background(), center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: p.AuthCert, Signature: sig})
		return s, ch, err
	}
	s, ch, err := login()
	if err != nil {
		t.Fatal(err)
	}
	iss, err := cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := iss.Envelopes[0].Open(cr.DocumentKeys)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(p.AuthCert)
	if err := c.CheckBinding(s.SessionID, ch.Nonce, sum[:]); err != nil {
		t.Fatal(err)
	}
	if out, code := centerd(t, "admin", "-admin", adminURL, "revoke", "-resident", "r101"); code != 0 {
		t.Fatal(out)
	}
	if _, _, err := login(); !center.IsRefusal(err, center.CodeRevoked) {
		t.Fatalf("after revoke: %v", err)
	}
	if out, code := centerd(t, "admin", "-admin", adminURL, "maintenance", "on"); code != 0 {
		t.Fatal(out)
	}
	if out, code := centerd(t, "admin", "-admin", adminURL, "restore", "-resident", "r101"); code != 0 {
		t.Fatal(out)
	}
	if _, _, err := login(); !center.IsRefusal(err, center.CodeMaintenance) {
		t.Fatalf("in maintenance: %v", err)
	}
	out, code := centerd(t, "admin", "-admin", adminURL, "reserve", "-resident", "r102", "-pin", "signature")
	if code != 0 || !strings.Contains(out, `"reservation_id":"rv_`) {
		t.Fatalf("reserve: %d %s", code, out)
	}
	if out, code := centerd(t, "admin", "-admin", adminURL, "move", "-resident", "nobody"); code == 0 {
		t.Fatalf("move of an unknown resident succeeded: %s", out)
	}
	if out, code := centerd(t, "residents", "-admin", adminURL); code != 0 || !strings.Contains(out, "r119\t990001\tface_auth_card") {
		t.Fatalf("residents: %s", out)
	}
}

func TestCenterdBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"export-card", "-resident", "r101"},
		{"export-card", "-resident", "r101", "-out", "x"},
		{"export-card", "-data", t.TempDir(), "-resident", "r101", "-out", "x"},
		{"admin", "-admin", "http://127.0.0.1:1", "maintenance", "sideways"},
		{"admin", "-admin", "http://127.0.0.1:1", "levitate"},
		{"-listen"},
	} {
		if out, code := centerd(t, args...); code == 0 || out == "" {
			t.Errorf("%q: exit %d, output %q: want a failure with a message", args, code, out)
		}
	}
}
