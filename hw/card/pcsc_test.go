package card_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"certkiosk/hw/card"
	"certkiosk/hw/card/jpkisim"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/kiosk/jpki"
)

var (
	profOnce sync.Once
	prof     jpkisim.Profile
	profErr  error
)

func testCard(t testing.TB, o *jpkisim.Opts) *jpkisim.Card {
	t.Helper()
	profOnce.Do(func() { prof, profErr = jpkisim.GenerateProfile(jpkisim.GenOpts{}) })
	if profErr != nil {
		t.Fatal(profErr)
	}
	c, err := jpkisim.New(prof, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func connect(t testing.TB, reader string) *card.Conn {
	t.Helper()
	c, err := card.Connect(reader)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestPCSC runs the card protocol through pcscd, vpcd and the simulated card.
func TestPCSC(t *testing.T) {
	env := pcsctest.Start(t)
	sim := testCard(t, nil)
	link := env.Plug(t, sim, 0)
	reader := pcsctest.Reader(0)

	t.Run("readers", func(t *testing.T) {
		rs, err := card.Readers()
		if err != nil || len(rs) == 0 {
			t.Fatalf("Readers = %v, %v", rs, err)
		}
		if r, err := card.PickReader("Virtual PCD 00 00"); err != nil || r != reader {
			t.Fatalf("PickReader = %q, %v", r, err)
		}
		if _, err := card.PickReader("No Such Reader"); !errors.Is(err, card.ErrNoReader) {
			t.Fatalf("PickReader(missing) = %v", err)
		}
	})

	t.Run("login", func(t *testing.T) {
		conn := connect(t, reader)
		if conn.Protocol() != "T=1" || len(conn.ATR()) == 0 {
			t.Errorf("protocol %s ATR % X", conn.Protocol(), conn.ATR())
		}
		a, err := jpki.Open(conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.Token()
		if err != nil || tok != jpki.TokenCard {
			t.Fatalf("token %v, %v", tok, err)
		}
		start := a.APDUs()
		cert, _, err := a.ReadUserAuthCert()
		if err != nil {
			t.Fatal(err)
		}
		if n := a.APDUs() - start; n != 1 {
			t.Errorf("certificate took %d APDUs through pcscd, want 1 extended read", n)
		}
		if n, err := a.Tries(jpki.AuthPINRef); err != nil || n != 3 {
			t.Fatalf("tries %d, %v", n, err)
		}
		p, _ := jpki.NewAuthPIN([]byte("1234"))
		if err := a.Verify(p); err != nil {
			t.Fatal(err)
		}
		d := sha256.Sum256([]byte("challenge through pcscd"))
		sig, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(d))
		if err != nil {
			t.Fatal(err)
		}
		if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, d[:], sig); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("wrong PINs down to blocked, kept across reinsertion", func(t *testing.T) {
		conn := connect(t, reader)
		a, err := jpki.Open(conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, left := range []int{2, 1} {
			p, _ := jpki.NewAuthPIN([]byte("0000"))
			var pe *jpki.PINError
			if err := a.Verify(p); !errors.As(err, &pe) || pe.Remaining != left {
				t.Fatalf("wrong PIN: %v, want %d left", err, left)
			}
		}
		p, _ := jpki.NewAuthPIN([]byte("0000"))
		if err := a.Verify(p); !errors.Is(err, jpki.ErrBlocked) {
			t.Fatalf("last try: %v", err)
		}
		conn.Close()
		link.Remove()
		if err := env.WaitPresent(reader, false, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		link.Insert()
		if err := env.WaitPresent(reader, true, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		conn = connect(t, reader)
		a, err = jpki.Open(conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.Tries(jpki.AuthPINRef); err != nil || n != 0 {
			t.Fatalf("after reinsertion: %d tries, %v; want blocked", n, err)
		}
		p, _ = jpki.NewAuthPIN([]byte("1234"))
		if err := a.Verify(p); !errors.Is(err, jpki.ErrBlocked) {
			t.Fatalf("right PIN on a blocked card: %v", err)
		}
	})
}

func TestPCSCRemovalMidRead(t *testing.T) {
	env := pcsctest.Start(t)
	link := env.Plug(t, testCard(t, nil), 0)
	conn := connect(t, pcsctest.Reader(0))
	a, err := jpki.Open(conn, &jpki.Opts{ShortOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	link.RemoveAfter(3) // the third 256-byte read never gets its answer
	c, raw, err := a.ReadUserAuthCert()
	if !errors.Is(err, jpki.ErrCardRemoved) || c != nil || raw != nil {
		t.Fatalf("removal mid-read: %v (cert returned: %v)", err, raw != nil)
	}
	if _, err := a.Tries(jpki.AuthPINRef); !errors.Is(err, jpki.ErrCardRemoved) {
		t.Fatalf("after removal: %v", err)
	}
	if _, err := card.Connect(pcsctest.Reader(0)); !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("connect with no card: %v", err)
	}
}

func TestPCSCShortOnlyFallback(t *testing.T) {
	env := pcsctest.Start(t)
	env.Plug(t, testCard(t, &jpkisim.Opts{NoExtended: true, Filler: 100}), 1)
	conn := connect(t, pcsctest.Reader(1))
	a, err := jpki.Open(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, raw, err := a.ReadUserAuthCert()
	if err != nil || len(raw) != len(prof.AuthCert) || !a.ShortOnly() {
		t.Fatalf("fallback read: %d bytes, %v, short-only %v", len(raw), err, a.ShortOnly())
	}
}

func TestMonitor(t *testing.T) {
	env := pcsctest.Start(t)
	sim := testCard(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan card.Event, 64)
	done := make(chan error, 1)
	go func() {
		done <- (&card.Monitor{Poll: 100 * time.Millisecond, Retry: 100 * time.Millisecond}).Run(ctx, events)
	}()
	reader := pcsctest.Reader(0)
	expect := func(kind card.EventKind, r string) card.Event {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case e := <-events:
				if e.Kind == kind && (r == "" || e.Reader == r) {
					return e
				}
			case <-timeout:
				t.Fatalf("no %v event for %q", kind, r)
			}
		}
	}
	expect(card.ReaderAdded, reader)
	link := env.Plug(t, sim, 0)
	if e := expect(card.CardInserted, reader); len(e.ATR) == 0 {
		t.Error("insert event without ATR")
	}
	link.Remove()
	expect(card.CardRemoved, reader)
	link.Insert()
	expect(card.CardInserted, reader)

	// pcscd restarts: the monitor reports the outage, establishes a new context, and the card
	// reconnects to the new vpcd by itself.
	connects := link.Connects()
	env.Stop()
	expect(card.ServiceDown, "")
	env.Restart(t)
	expect(card.ServiceUp, "")
	expect(card.ReaderAdded, reader)
	expect(card.CardInserted, reader)
	if link.Connects() <= connects {
		t.Errorf("card did not reconnect to the restarted vpcd (%d connects)", link.Connects())
	}
	conn := connect(t, reader)
	if _, err := jpki.Open(conn, nil); err != nil {
		t.Fatalf("open after pcscd restart: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

func TestNoService(t *testing.T) {
	env := pcsctest.Start(t)
	env.Stop()
	if _, err := card.Readers(); !errors.Is(err, card.ErrNoService) {
		t.Fatalf("Readers without pcscd: %v", err)
	}
	if _, err := card.Connect("Virtual PCD 00 00"); !errors.Is(err, card.ErrNoService) {
		t.Fatalf("Connect without pcscd: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if _, err := card.WaitCard(ctx, ""); !errors.Is(err, card.ErrNoService) {
		t.Fatalf("WaitCard without pcscd: %v", err)
	}
}
