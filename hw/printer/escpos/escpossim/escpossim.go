// Package escpossim is an ESC/POS receipt printer that speaks the bytes escpos sends: ESC @,
// ESC d, GS v 0 raster, GS V cut, and DLE EOT 1–4 real-time status, which it answers from its
// simulated paper, cover and cutter. It runs in process (Conn, a periph conn.Conn) or on a
// pseudo-terminal (ServePTY), so the driver and its serial adapter are tested unchanged.
//
// Faults are set by the test (SetPaperEnd, SetCoverOpen, …); while the printer is stopped by
// one, raster data is discarded as a real printer would not print it.
//
// This package imports periph conn, golang.org/x/sys/unix and the standard library only.
package escpossim

import (
	"fmt"
	"image"
	"os"
	"sync"

	"golang.org/x/sys/unix"
	"periph.io/x/conn/v3"
)

// Printer is the simulated device.
type Printer struct {
	mu           sync.Mutex
	buf          []byte
	rows         [][]byte // printed raster rows, 1 bit per dot, MSB left
	widthBytes   int
	cuts         int
	inits        int
	unknown      int
	paperEnd     bool
	paperNearEnd bool
	coverOpen    bool
	cutterError  bool
	mute         bool
}

// New returns a printer with paper, cover closed, no errors.
func New() *Printer { return &Printer{} }

func (p *Printer) SetPaperEnd(v bool)     { p.mu.Lock(); p.paperEnd = v; p.mu.Unlock() }
func (p *Printer) SetPaperNearEnd(v bool) { p.mu.Lock(); p.paperNearEnd = v; p.mu.Unlock() }
func (p *Printer) SetCoverOpen(v bool)    { p.mu.Lock(); p.coverOpen = v; p.mu.Unlock() }
func (p *Printer) SetCutterError(v bool)  { p.mu.Lock(); p.cutterError = v; p.mu.Unlock() }

// SetMute makes the printer stop answering (a powered-off printer or a broken cable).
func (p *Printer) SetMute(v bool) { p.mu.Lock(); p.mute = v; p.mu.Unlock() }

// Cuts is how many times the paper was cut; Inits how many ESC @ were received; Unknown how
// many bytes were not understood.
func (p *Printer) Cuts() int    { p.mu.Lock(); defer p.mu.Unlock(); return p.cuts }
func (p *Printer) Inits() int   { p.mu.Lock(); defer p.mu.Unlock(); return p.inits }
func (p *Printer) Unknown() int { p.mu.Lock(); defer p.mu.Unlock(); return p.unknown }

// Paper returns what has been printed so far, black on white.
func (p *Printer) Paper() *image.Gray {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paperLocked()
}

// Tear returns what has been printed since the last Tear and removes it from the simulated
// paper, as a person tears off a slip.
func (p *Printer) Tear() *image.Gray {
	p.mu.Lock()
	defer p.mu.Unlock()
	img := p.paperLocked()
	p.rows = nil
	return img
}

func (p *Printer) paperLocked() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, p.widthBytes*8, len(p.rows)))
	for y, r := range p.rows {
		for x := 0; x < p.widthBytes*8; x++ {
			v := uint8(255)
			if x/8 < len(r) && r[x/8]&(0x80>>(x%8)) != 0 {
				v = 0
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	return img
}

func (p *Printer) stopped() bool { return p.paperEnd || p.coverOpen || p.cutterError }

// status answers DLE EOT n.
func (p *Printer) status(n byte) byte {
	b := byte(0x12)
	switch n {
	case 1:
		if p.stopped() {
			b |= 1 << 3
		}
	case 2:
		if p.coverOpen {
			b |= 1 << 2
		}
		if p.paperEnd {
			b |= 1 << 5
		}
		if p.stopped() {
			b |= 1 << 6
		}
	case 3:
		if p.cutterError {
			b |= 1 << 3
		}
	case 4:
		if p.paperNearEnd || p.paperEnd {
			b |= 3 << 2
		}
		if p.paperEnd {
			b |= 3 << 5
		}
	}
	return b
}

// Write feeds bytes from the host and returns the printer's answers (status bytes).
func (p *Printer) Write(b []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	var reply []byte
	for len(p.buf) > 0 {
		n, r := p.parse(p.buf)
		if n == 0 {
			break // incomplete command: wait for more bytes
		}
		if !p.mute {
			reply = append(reply, r...)
		}
		p.buf = p.buf[n:]
	}
	return reply
}

// parse consumes one command from b: bytes used (0 if incomplete) and any answer.
func (p *Printer) parse(b []byte) (int, []byte) {
	need := func(n int) bool { return len(b) >= n }
	switch b[0] {
	case 0x10: // DLE
		if !need(3) {
			return 0, nil
		}
		if b[1] == 0x04 && b[2] >= 1 && b[2] <= 4 {
			return 3, []byte{p.status(b[2])}
		}
		p.unknown++
		return 1, nil
	case 0x1B: // ESC
		if !need(2) {
			return 0, nil
		}
		switch b[1] {
		case '@':
			p.inits++
			return 2, nil
		case 'd':
			if !need(3) {
				return 0, nil
			}
			if !p.stopped() {
				for i := 0; i < int(b[2])*24; i++ {
					p.rows = append(p.rows, make([]byte, p.widthBytes))
				}
			}
			return 3, nil
		}
		p.unknown++
		return 1, nil
	case 0x1D: // GS
		if !need(2) {
			return 0, nil
		}
		switch b[1] {
		case 'V':
			if !need(3) {
				return 0, nil
			}
			n := 3
			if b[2] == 65 || b[2] == 66 {
				if !need(4) {
					return 0, nil
				}
				n = 4
			}
			if !p.stopped() {
				p.cuts++
			}
			return n, nil
		case 'v':
			if !need(8) {
				return 0, nil
			}
			if b[2] != '0' {
				p.unknown++
				return 1, nil
			}
			w := int(b[4]) | int(b[5])<<8
			h := int(b[6]) | int(b[7])<<8
			if !need(8 + w*h) {
				return 0, nil
			}
			if !p.stopped() {
				p.widthBytes = max(p.widthBytes, w)
				for y := 0; y < h; y++ {
					p.rows = append(p.rows, append([]byte(nil), b[8+y*w:8+(y+1)*w]...))
				}
			}
			return 8 + w*h, nil
		}
		p.unknown++
		return 1, nil
	case '\n':
		return 1, nil
	}
	p.unknown++
	return 1, nil
}

// Conn returns an in-process connection to the printer.
func (p *Printer) Conn() conn.Conn { return &simConn{p: p} }

type simConn struct{ p *Printer }

func (c *simConn) String() string      { return "escpossim" }
func (c *simConn) Duplex() conn.Duplex { return conn.Full }
func (c *simConn) Tx(w, r []byte) error {
	reply := c.p.Write(w)
	if len(reply) != len(r) {
		return fmt.Errorf("escpossim: %d reply bytes, caller reads %d", len(reply), len(r))
	}
	copy(r, reply)
	return nil
}

// ServePTY opens a pseudo-terminal, serves the printer on its master side until the returned
// stop function is called, and returns the slave device's path for a serial driver to open.
func (p *Printer) ServePTY() (path string, stop func(), err error) {
	master, path, err := openPTY()
	if err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				if reply := p.Write(buf[:n]); len(reply) > 0 {
					if _, werr := master.Write(reply); werr != nil {
						return
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return path, func() { master.Close(); <-done }, nil
}

// openPTY opens /dev/ptmx and unlocks its slave, returning the master and the slave's path.
func openPTY() (*os.File, string, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, "", fmt.Errorf("escpossim: open pty: %w", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, "", fmt.Errorf("escpossim: unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, "", fmt.Errorf("escpossim: pty number: %w", err)
	}
	// The master side must not translate bytes either.
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err == nil {
		cfmakeraw(t)
		_ = unix.IoctlSetTermios(fd, unix.TCSETS, t)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n), nil
}

func cfmakeraw(t *unix.Termios) {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
}
