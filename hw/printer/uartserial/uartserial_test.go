package uartserial

import (
	"errors"
	"testing"
	"time"

	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/uart"

	"certkiosk/hw/printer/escpos/escpossim"
)

func TestTxOverPTY(t *testing.T) {
	sim := escpossim.New()
	path, stop, err := sim.ServePTY()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	p, err := Open(path, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.LimitSpeed(0); err == nil {
		t.Error("LimitSpeed(0) accepted")
	}
	if err := p.LimitSpeed(19200 * physic.Hertz); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Connect(115200*physic.Hertz, uart.One, uart.NoParity, uart.RTSCTS, 8); err == nil {
		t.Fatal("flow control accepted though the adapter cannot set it")
	}
	c, err := p.Connect(115200*physic.Hertz, uart.One, uart.NoParity, uart.NoFlow, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Connect(9600*physic.Hertz, uart.One, uart.NoParity, uart.NoFlow, 8); err == nil {
		t.Fatal("second Connect accepted")
	}
	r := make([]byte, 1)
	if err := c.Tx([]byte{0x10, 0x04, 1}, r); err != nil || r[0] != 0x12 {
		t.Fatalf("status: % x, %v", r, err)
	}
	// Ask for two bytes where the device sends one: a timeout, not a hang.
	r2 := make([]byte, 2)
	if err := c.Tx([]byte{0x10, 0x04, 1}, r2); !errors.Is(err, ErrTimeout) {
		t.Fatalf("short answer: err = %v, want ErrTimeout", err)
	}
}

func TestOpenMissingDevice(t *testing.T) {
	if _, err := Open("/dev/does-not-exist-kiosk", 0); err == nil {
		t.Fatal("opened a missing device")
	}
}
