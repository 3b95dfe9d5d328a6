package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"certkiosk/kiosk"
	"certkiosk/kiosk/fleet"
)

func TestHealth(t *testing.T) {
	m := fleet.New(fleet.Options{NoRuntime: true})
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	m.Observe(kiosk.TimerFired{}, st, nil)
	var out, errb bytes.Buffer
	if code := run([]string{"health", "-addr", addr}, &out, &errb); code != 0 {
		t.Fatalf("exit %d on a healthy kiosk, stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "status    ok") || !strings.Contains(out.String(), "screen    idle") {
		t.Errorf("output:\n%s", out.String())
	}

	st.Flags, st.Screen = kiosk.FlagPaperOut, kiosk.OutOfService
	m.Observe(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: true}, st, nil)
	out.Reset()
	errb.Reset()
	if code := run([]string{"health", "-addr", addr, "-json"}, &out, &errb); code != 1 {
		t.Errorf("exit %d out of service, want 1", code)
	}
	var h fleet.Health
	if err := json.Unmarshal(out.Bytes(), &h); err != nil || h.Status != fleet.StatusOutOfService || len(h.Reasons) != 1 || h.Reasons[0] != "paper_out" {
		t.Errorf("json %q (%v), want out_of_service paper_out", out.String(), err)
	}
	if !strings.Contains(errb.String(), "out of service: paper_out") {
		t.Errorf("stderr %q does not say why", errb.String())
	}

	srv.Close()
	errb.Reset()
	if code := run([]string{"health", "-addr", addr}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "is the kiosk running") {
		t.Errorf("exit %d with stderr %q when nothing listens", code, errb.String())
	}
}

func TestHealthBadAnswer(t *testing.T) {
	srv := httptest.NewServer(nil) // 404 for everything
	defer srv.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"health", "-addr", strings.TrimPrefix(srv.URL, "http://")}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "404") {
		t.Errorf("exit %d, stderr %q, want 1 naming the 404", code, errb.String())
	}
}
