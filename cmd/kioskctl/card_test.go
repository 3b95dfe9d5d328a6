package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/kiosk/jpki"
)

var (
	profOnce sync.Once
	prof     jpkisim.Profile
	profErr  error
)

func testProfile(t *testing.T) jpkisim.Profile {
	t.Helper()
	profOnce.Do(func() {
		prof, profErr = jpkisim.GenerateProfile(jpkisim.GenOpts{AuthPIN: "4826",
			NotAfter: time.Now().AddDate(0, 2, 0)}) // inside the renewal window
	})
	if profErr != nil {
		t.Fatal(profErr)
	}
	return prof
}

type simConn struct{ *jpkisim.Transport }

func (simConn) Reader() string   { return "in-process" }
func (simConn) ATR() []byte      { return jpkisim.ATR }
func (simConn) Protocol() string { return "T=1" }

func TestProbeInProcess(t *testing.T) {
	p := testProfile(t)
	c, _ := jpkisim.New(p, nil)
	var out bytes.Buffer
	pin, _ := jpki.NewAuthPIN([]byte("4826"))
	if err := probe(simConn{jpkisim.NewTransport(c)}, &out, pin, false, false); err != nil {
		t.Fatalf("probe: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"token:          card", "renewal from:", "renewal possible now",
		"user-auth PIN 3/3, signature PIN 5/5", "signature:      OK", "APDUs:          7", "4 PIN bytes hidden"} {
		if !strings.Contains(s, want) {
			t.Errorf("probe output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "34 38 32 36") || strings.Contains(s, "4826") {
		t.Fatalf("probe output shows the PIN:\n%s", s)
	}
}

func TestProbeRefusesLastTry(t *testing.T) {
	p := testProfile(t)
	p.AuthTriesLeft = 1
	c, _ := jpkisim.New(p, nil)
	var out bytes.Buffer
	pin, _ := jpki.NewAuthPIN([]byte("0000"))
	err := probe(simConn{jpkisim.NewTransport(c)}, &out, pin, false, false)
	if err == nil || !strings.Contains(err.Error(), "one try left") {
		t.Fatalf("probe with one try left: %v", err)
	}
	if a, _ := c.Tries(); a != 1 {
		t.Fatalf("the last try was spent: %d left", a)
	}
}

func TestProbeMalformedPIN(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"card", "probe", "-pin", "12a4", "-wait", "1ms"}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "digits") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// TestProbeThroughPCSC runs the command as a technician would, against pcscd and vpcd.
func TestProbeThroughPCSC(t *testing.T) {
	env := pcsctest.Start(t)
	c, _ := jpkisim.New(testProfile(t), nil)
	env.Plug(t, c, 0)
	var out, errb bytes.Buffer
	code := run([]string{"card", "probe", "-reader", "Virtual PCD 00 00", "-pin", "4826"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	s := out.String()
	for _, want := range []string{"reader:         Virtual PCD 00 00", fmt.Sprintf("% X", jpkisim.ATR), "signature:      OK", "APDUs:          7"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// The first probe reset the card as it left (so no verified PIN outlives it); vpcd relays
	// that reset a moment later, and a connection made meanwhile would see it as a reset card.
	time.Sleep(time.Second)
	code = run([]string{"card", "probe", "-short", "-reader", "Virtual PCD 00 00"}, &out, &errb)
	if code != 0 {
		t.Fatalf("short-only probe: exit %d: %s", code, errb.String())
	}
}
