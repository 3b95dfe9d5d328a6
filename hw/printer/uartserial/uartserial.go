// Package uartserial opens a serial port as a periph uart.PortCloser, on go.bug.st/serial.
// periph's own serial driver cannot open a port (host/v3/serial has no exported opener and never
// sets the baud rate; periph/host#53), so device drivers written against periph's uart.Port and
// conn.Conn use this adapter instead and stay testable with conntest.
//
// Tx writes w in full, then reads exactly len(r) bytes or fails after the read timeout: the
// request/response shape of ESC/POS real-time status and most serial peripherals.
//
// This package imports periph conn, go.bug.st/serial and the standard library only.
package uartserial

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.bug.st/serial"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/uart"
)

// ErrTimeout is returned by Tx when the device does not answer in time.
var ErrTimeout = errors.New("uartserial: read timed out")

// Port is an open serial device.
type Port struct {
	name    string
	mu      sync.Mutex
	p       serial.Port
	limit   physic.Frequency
	timeout time.Duration
	conn    bool
}

// Open opens a serial device (e.g. /dev/ttyUSB0, /dev/serial/by-id/...). readTimeout bounds
// each reply; 0 means 500 ms.
func Open(name string, readTimeout time.Duration) (*Port, error) {
	if readTimeout == 0 {
		readTimeout = 500 * time.Millisecond
	}
	p, err := serial.Open(name, &serial.Mode{BaudRate: 9600, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, fmt.Errorf("open serial %s: %w", name, err)
	}
	return &Port{name: name, p: p, timeout: readTimeout}, nil
}

func (p *Port) String() string { return p.name }

// LimitSpeed caps the baud rate Connect may choose.
func (p *Port) LimitSpeed(f physic.Frequency) error {
	if f <= 0 {
		return fmt.Errorf("uartserial %s: invalid speed limit %s", p.name, f)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit = f
	return nil
}

// Connect sets the line parameters and returns the connection. Only one Connect per Port.
func (p *Port) Connect(f physic.Frequency, stop uart.Stop, parity uart.Parity, flow uart.Flow, bits int) (conn.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn {
		return nil, fmt.Errorf("uartserial %s: already connected", p.name)
	}
	if p.limit > 0 && p.limit < f {
		f = p.limit
	}
	baud := int(f / physic.Hertz)
	if baud <= 0 {
		return nil, fmt.Errorf("uartserial %s: invalid speed %s", p.name, f)
	}
	m := &serial.Mode{BaudRate: baud, DataBits: bits}
	switch stop {
	case uart.One:
		m.StopBits = serial.OneStopBit
	case uart.OneHalf:
		m.StopBits = serial.OnePointFiveStopBits
	case uart.Two:
		m.StopBits = serial.TwoStopBits
	default:
		return nil, fmt.Errorf("uartserial %s: stop bits %d", p.name, stop)
	}
	switch parity {
	case uart.NoParity:
		m.Parity = serial.NoParity
	case uart.Odd:
		m.Parity = serial.OddParity
	case uart.Even:
		m.Parity = serial.EvenParity
	case uart.Mark:
		m.Parity = serial.MarkParity
	case uart.Space:
		m.Parity = serial.SpaceParity
	default:
		return nil, fmt.Errorf("uartserial %s: parity %q", p.name, parity)
	}
	if flow != uart.NoFlow {
		// go.bug.st/serial has no flow-control setting; refuse rather than pretend.
		return nil, fmt.Errorf("uartserial %s: flow control %s not supported", p.name, flow)
	}
	if err := p.p.SetMode(m); err != nil {
		return nil, fmt.Errorf("uartserial %s: set mode: %w", p.name, err)
	}
	if err := p.p.SetReadTimeout(p.timeout); err != nil {
		return nil, fmt.Errorf("uartserial %s: %w", p.name, err)
	}
	p.conn = true
	return &lineConn{p: p}, nil
}

// Close closes the device.
func (p *Port) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.p.Close(); err != nil {
		return fmt.Errorf("uartserial %s: close: %w", p.name, err)
	}
	return nil
}

type lineConn struct{ p *Port }

func (c *lineConn) String() string      { return c.p.name }
func (c *lineConn) Duplex() conn.Duplex { return conn.Full }

func (c *lineConn) Tx(w, r []byte) error {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	for len(w) > 0 {
		n, err := c.p.p.Write(w)
		if err != nil {
			return fmt.Errorf("uartserial %s: write: %w", c.p.name, err)
		}
		w = w[n:]
	}
	deadline := time.Now().Add(c.p.timeout)
	for got := 0; got < len(r); {
		n, err := c.p.p.Read(r[got:])
		if err != nil {
			return fmt.Errorf("uartserial %s: read: %w", c.p.name, err)
		}
		got += n
		if n == 0 && time.Now().After(deadline) {
			return fmt.Errorf("%w after %s (%d of %d bytes)", ErrTimeout, c.p.timeout, got, len(r))
		}
	}
	return nil
}

var _ uart.PortCloser = (*Port)(nil)
