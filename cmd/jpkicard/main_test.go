package main

import (
	"bytes"
	"io"
	"testing"
	"time"

	"certkiosk/hw/card"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/jpki"
)

// TestResidentCardThroughPCSC plugs a center resident's card into pcscd with the command as a
// technician runs it, reads it through PC/SC, and takes it out and back with stdin commands.
func TestResidentCardThroughPCSC(t *testing.T) {
	c := centertest.Start(t)
	env := pcsctest.Start(t)
	want := c.Card(t, "r101")
	in, inW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run([]string{"-resident", "r101", "-center-admin", c.AdminURL}, in, io.Discard) }()
	reader := pcsctest.Reader(0)
	if err := env.WaitPresent(reader, true, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	conn, err := card.Connect(reader)
	if err != nil {
		t.Fatal(err)
	}
	a, err := jpki.Open(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, raw, err := a.ReadUserAuthCert()
	conn.Close()
	if err != nil || !bytes.Equal(raw, want.AuthCert) {
		t.Fatalf("card through PC/SC is not the resident's: %v", err)
	}
	io.WriteString(inW, "remove\n")
	if err := env.WaitPresent(reader, false, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, "insert\n")
	if err := env.WaitPresent(reader, true, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, "quit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("jpkicard did not quit")
	}
}

func TestUnknownResident(t *testing.T) {
	c := centertest.Start(t)
	err := run([]string{"-resident", "r999", "-center-admin", c.AdminURL}, bytes.NewReader(nil), io.Discard)
	if err == nil {
		t.Fatal("an unknown resident's card was made")
	}
}
