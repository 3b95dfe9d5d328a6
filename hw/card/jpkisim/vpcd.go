package jpkisim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// DefaultVPCD is where Debian's vsmartcard-vpcd driver listens for the first virtual reader
// ("Virtual PCD 00 00"): port 0x8C7B. The second reader is on the next port.
const DefaultVPCD = "localhost:35963"

// vpcd control bytes (vsmartcard vpcd.h).
const (
	vpcdPowerOff = 0x00
	vpcdPowerOn  = 0x01
	vpcdReset    = 0x02
	vpcdATR      = 0x04
)

// Link connects a Card to pcscd's vpcd driver: the card dials the driver, which is then a reader
// with this card in it. Every message either way is a 2-byte big-endian length and that many
// bytes; 1-byte messages from vpcd are control bytes, longer ones are command APDUs.
//
// Run keeps the card plugged in, reconnecting with a short backoff when vpcd or pcscd restarts.
// Remove closes the connection, which vpcd sees as the card leaving the reader; Insert plugs it in
// again.
type Link struct {
	Addr string
	Card *Card
	// Trace, when set, sees each exchange; VERIFY and reset commands are redacted before it.
	Trace func(cmd, resp []byte)

	mu          sync.Mutex
	removed     bool
	removeAfter int
	conn        net.Conn
	changed     chan struct{}
	connects    int
}

// NewLink makes a link for card to the vpcd at addr (DefaultVPCD when empty).
func NewLink(addr string, card *Card) *Link {
	if addr == "" {
		addr = DefaultVPCD
	}
	return &Link{Addr: addr, Card: card, changed: make(chan struct{}, 1)}
}

// Remove takes the card out of the virtual reader.
func (l *Link) Remove() {
	l.mu.Lock()
	l.removed = true
	c := l.conn
	l.mu.Unlock()
	if c != nil {
		c.Close()
	}
	l.Card.Reset()
	l.poke()
}

// Insert puts the card back in the virtual reader.
func (l *Link) Insert() {
	l.mu.Lock()
	l.removed = false
	l.mu.Unlock()
	l.poke()
}

// RemoveAfter makes the card leave the reader while the n-th next command is being answered:
// the command is processed but its answer never reaches the reader.
func (l *Link) RemoveAfter(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.removeAfter = n
}

// Connects counts successful connections to vpcd (tests use it to see a reconnect).
func (l *Link) Connects() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.connects
}

func (l *Link) poke() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// Run serves the card until ctx ends.
func (l *Link) Run(ctx context.Context) error {
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		l.mu.Lock()
		removed := l.removed
		l.mu.Unlock()
		if removed {
			select {
			case <-ctx.Done():
			case <-l.changed:
			}
			continue
		}
		d := net.Dialer{Timeout: 2 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", l.Addr)
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			case <-l.changed:
			}
			if backoff < time.Second {
				backoff *= 2
			}
			continue
		}
		backoff = 50 * time.Millisecond
		l.mu.Lock()
		if l.removed {
			l.mu.Unlock()
			conn.Close()
			continue
		}
		l.conn = conn
		l.connects++
		l.mu.Unlock()
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		err = l.serve(conn)
		stop()
		conn.Close()
		l.mu.Lock()
		l.conn = nil
		l.mu.Unlock()
		l.Card.Reset() // leaving the reader is a power cycle
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && ctx.Err() == nil {
			// vpcd went away (pcscd restarted); dial again after a pause.
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
		}
	}
	return ctx.Err()
}

func (l *Link) serve(conn net.Conn) error {
	var hdr [2]byte
	for {
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		msg := make([]byte, n)
		if _, err := io.ReadFull(conn, msg); err != nil {
			return err
		}
		var resp []byte
		switch {
		case n == 0:
			continue
		case n == 1 && msg[0] == vpcdATR:
			resp = ATR
		case n == 1 && (msg[0] == vpcdPowerOff || msg[0] == vpcdPowerOn || msg[0] == vpcdReset):
			l.Card.Reset() // no reply to power and reset
			continue
		case n == 1:
			return fmt.Errorf("vpcd: unknown control byte %02X", msg[0])
		default:
			resp = l.Card.Process(msg)
			l.mu.Lock()
			drop := false
			if l.removeAfter > 0 {
				l.removeAfter--
				drop = l.removeAfter == 0
				l.removed = l.removed || drop
			}
			l.mu.Unlock()
			if drop {
				clear(msg)
				return io.EOF
			}
			if l.Trace != nil {
				l.Trace(redact(msg), resp)
			}
			clear(msg)
		}
		out := make([]byte, 2+len(resp))
		binary.BigEndian.PutUint16(out, uint16(len(resp)))
		copy(out[2:], resp)
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}

// redact hides the data of commands that carry a PIN (VERIFY, CHANGE REFERENCE DATA, reset).
func redact(cmd []byte) []byte {
	if len(cmd) > 5 && (cmd[1] == 0x20 || cmd[1] == 0x24 || cmd[1] == 0x2C) {
		out := append([]byte{}, cmd[:5]...)
		for range cmd[5:] {
			out = append(out, 0x2A) // '*'
		}
		return out
	}
	return append([]byte{}, cmd...)
}
