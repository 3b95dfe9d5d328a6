package jpkisim

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// fakeVPCD plays vpcd's side of the socket: framed control bytes and APDUs.
type fakeVPCD struct {
	t  *testing.T
	ln net.Listener
}

func (v *fakeVPCD) accept() net.Conn {
	v.t.Helper()
	v.ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	c, err := v.ln.Accept()
	if err != nil {
		v.t.Fatalf("card did not connect: %v", err)
	}
	return c
}

func send(t *testing.T, c net.Conn, msg []byte) {
	t.Helper()
	b := make([]byte, 2+len(msg))
	binary.BigEndian.PutUint16(b, uint16(len(msg)))
	copy(b[2:], msg)
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(h[:]))
	_, err := io.ReadFull(c, b)
	return b, err
}

func TestLinkProtocol(t *testing.T) {
	p, err := GenerateProfile(GenOpts{})
	if err != nil {
		t.Fatal(err)
	}
	card, _ := New(p, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	v := &fakeVPCD{t: t, ln: ln}
	l := NewLink(ln.Addr().String(), card)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()

	c := v.accept()
	send(t, c, []byte{vpcdPowerOn}) // no reply expected
	send(t, c, []byte{vpcdATR})
	if atr, err := recv(t, c); err != nil || !bytes.Equal(atr, ATR) {
		t.Fatalf("ATR % X, %v", atr, err)
	}
	send(t, c, append([]byte{0, 0xA4, 4, 0x0C, 10}, aid...))
	if r, err := recv(t, c); err != nil || !bytes.Equal(r, []byte{0x90, 0}) {
		t.Fatalf("select: % X, %v", r, err)
	}
	send(t, c, []byte{0, 0x20, 0, 0x98, 4, '1', '2', '3', '4'})
	if r, _ := recv(t, c); !bytes.Equal(r, []byte{0x90, 0}) {
		t.Fatalf("verify: % X", r)
	}
	send(t, c, []byte{vpcdReset}) // a reset forgets the verified PIN
	send(t, c, append([]byte{0, 0xA4, 4, 0x0C, 10}, aid...))
	recv(t, c)
	send(t, c, []byte{0x80, 0x2A, 0, 0x97, 1, 1, 0})
	if r, _ := recv(t, c); !bytes.Equal(r, []byte{0x69, 0x82}) {
		t.Fatalf("sign after reset: % X, want 6982", r)
	}

	// vpcd goes away (pcscd restart): the card dials again.
	c.Close()
	c = v.accept()
	for i := 0; l.Connects() != 2; i++ {
		if i == 100 {
			t.Fatalf("connects = %d, want 2", l.Connects())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Removal closes the socket; insertion dials again.
	l.Remove()
	if _, err := recv(t, c); err == nil {
		t.Fatal("socket still open after removal")
	}
	l.Insert()
	c = v.accept()
	send(t, c, []byte{vpcdATR})
	if atr, _ := recv(t, c); !bytes.Equal(atr, ATR) {
		t.Fatal("no ATR after reinsertion")
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run: %v", err)
	}
}

func TestRedact(t *testing.T) {
	r := redact([]byte{0, 0x20, 0, 0x98, 4, '1', '2', '3', '4'})
	if bytes.Contains(r, []byte("1234")) {
		t.Fatal("PIN not redacted")
	}
	if got := redact([]byte{0, 0xB0, 0, 0, 4}); !bytes.Equal(got, []byte{0, 0xB0, 0, 0, 4}) {
		t.Fatal("non-PIN command changed")
	}
}
