package panel

import (
	"errors"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
)

func TestOpenMissingLineNamesIt(t *testing.T) {
	_, err := Open("KIOSK_NO_SUCH_LINE")
	if !errors.Is(err, ErrNoLine) {
		t.Fatalf("Open(missing) = %v, want ErrNoLine", err)
	}
	if !strings.Contains(err.Error(), `"KIOSK_NO_SUCH_LINE"`) {
		t.Errorf("error %q does not name the line", err)
	}
	if _, err := Open(""); !errors.Is(err, ErrNoLine) {
		t.Errorf("Open(\"\") = %v, want ErrNoLine", err)
	}
}

func TestLevel(t *testing.T) {
	for _, c := range []struct {
		activeLow, active bool
		want              gpio.Level
	}{
		{false, true, gpio.High}, {false, false, gpio.Low},
		{true, true, gpio.Low}, {true, false, gpio.High},
	} {
		if got := Level(c.activeLow, c.active); got != c.want {
			t.Errorf("Level(activeLow=%v, active=%v) = %v, want %v", c.activeLow, c.active, got, c.want)
		}
	}
}

func TestWaitNeverZero(t *testing.T) {
	if Wait(0) != MinWait || Wait(-time.Second) != MinWait || Wait(time.Second) != time.Second {
		t.Errorf("Wait clamps wrongly: %v %v %v", Wait(0), Wait(-time.Second), Wait(time.Second))
	}
}
