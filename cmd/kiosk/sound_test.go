package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestSoundErrorsLoggedOnceEach(t *testing.T) {
	var buf bytes.Buffer
	report := soundErrors(slog.New(slog.NewTextHandler(&buf, nil)))
	noCard, underrun := errors.New("no sound card: oto: ALSA error"), errors.New("play: underrun")
	for _, err := range []error{noCard, noCard, noCard, underrun, underrun, noCard} {
		report(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "no sound card") || !strings.Contains(lines[1], "underrun") ||
		!strings.Contains(lines[2], "no sound card") {
		t.Errorf("logged:\n%s\nwant the card error, the underrun, the card error again", buf.String())
	}
}
