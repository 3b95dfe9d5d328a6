package escpos

import (
	"context"
	"fmt"
	"image"
	"sync"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/uart"

	"certkiosk/hw/printer"
)

// Command bytes.
const (
	esc = 0x1B
	gs  = 0x1D
	dle = 0x10
	eot = 0x04
)

var (
	cmdInit    = []byte{esc, '@'}        // ESC @
	cmdCut     = []byte{gs, 'V', 66, 0}  // GS V 66 0: feed to the cutter and partial cut
	cmdRaster  = []byte{gs, 'v', '0', 0} // GS v 0 m=0, followed by xL xH yL yH
	cmdFeed    = []byte{esc, 'd', 3}     // ESC d 3: feed three lines
	cmdStatusN = func(n int) []byte { return []byte{dle, eot, byte(n)} }
)

// Opts configures a Dev.
type Opts struct {
	WidthDots int // printable width in dots; 0 means 576 (80 mm paper at 203 dpi)
	BandRows  int // rows per GS v 0 command; 0 means 256 (safe on every model)
	DPI       int // the head's resolution; 0 means 203
}

// DefaultOpts suits an 80 mm, 203 dpi receipt printer.
var DefaultOpts = Opts{WidthDots: 576, BandRows: 256, DPI: 203}

// Dev is a receipt printer on a byte connection.
type Dev struct {
	mu   sync.Mutex
	c    conn.Conn
	opts Opts
}

// Connect opens the printer on a periph uart port at 9600 8N1 (the ESC/POS factory default; set
// the port's LimitSpeed or a higher f for faster models) and initialises it.
func Connect(p uart.Port, f physic.Frequency, opts *Opts) (*Dev, error) {
	if f == 0 {
		f = 9600 * physic.Hertz
	}
	c, err := p.Connect(f, uart.One, uart.NoParity, uart.NoFlow, 8)
	if err != nil {
		return nil, fmt.Errorf("escpos: %w", err)
	}
	return New(c, opts)
}

// New initialises the printer on c (ESC @).
func New(c conn.Conn, opts *Opts) (*Dev, error) {
	d := &Dev{c: c, opts: DefaultOpts}
	if opts != nil {
		if opts.WidthDots > 0 {
			d.opts.WidthDots = opts.WidthDots
		}
		if opts.BandRows > 0 {
			d.opts.BandRows = opts.BandRows
		}
		if opts.DPI > 0 {
			d.opts.DPI = opts.DPI
		}
	}
	if d.opts.WidthDots%8 != 0 {
		return nil, fmt.Errorf("escpos: width %d dots is not a whole number of bytes", d.opts.WidthDots)
	}
	if err := c.Tx(cmdInit, nil); err != nil {
		return nil, fmt.Errorf("escpos: initialise: %w", err)
	}
	return d, nil
}

func (d *Dev) String() string { return "escpos{" + d.c.String() + "}" }

// Halt does nothing: the printer has no background activity to stop.
func (d *Dev) Halt() error { return nil }

// RealTimeStatus asks DLE EOT 1–4.
func (d *Dev) RealTimeStatus() (RealTime, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.realTime()
}

func (d *Dev) realTime() (RealTime, error) {
	var s RealTime
	for n := StatusPrinter; n <= StatusPaper; n++ {
		r := make([]byte, 1)
		if err := d.c.Tx(cmdStatusN(n), r); err != nil {
			return RealTime{}, fmt.Errorf("escpos: DLE EOT %d: %w", n, err)
		}
		if err := parseStatus(&s, n, r[0]); err != nil {
			return RealTime{}, err
		}
	}
	return s, nil
}

// Status reports the printer's faults. A printer that does not answer is offline.
func (d *Dev) Status(ctx context.Context) (printer.Status, error) {
	s, err := d.RealTimeStatus()
	if err != nil {
		return printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultOffline}}, err
	}
	return s.Status(), nil
}

// PrintImage prints img (thresholded at 50%, cropped or padded to the paper width) in bands,
// feeds and cuts. It checks the status first and again at the end.
func (d *Dev) PrintImage(ctx context.Context, img *image.Gray) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := d.realTime()
	if err != nil {
		return err
	}
	if st := s.Status(); !st.Ready() {
		return &printer.FaultError{Faults: st.Faults}
	}
	for _, band := range d.bands(img) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("escpos: %w", err)
		}
		if err := d.c.Tx(band, nil); err != nil {
			return fmt.Errorf("escpos: raster: %w", err)
		}
	}
	if err := d.c.Tx(append(append([]byte{}, cmdFeed...), cmdCut...), nil); err != nil {
		return fmt.Errorf("escpos: cut: %w", err)
	}
	s, err = d.realTime()
	if err != nil {
		return err
	}
	if st := s.Status(); !st.Ready() {
		return fmt.Errorf("%w: %w", printer.ErrJobFailed, &printer.FaultError{Faults: st.Faults})
	}
	return nil
}

// bands encodes img as GS v 0 commands of at most BandRows rows each.
func (d *Dev) bands(img *image.Gray) [][]byte {
	wBytes := d.opts.WidthDots / 8
	W, H := img.Rect.Dx(), img.Rect.Dy()
	var out [][]byte
	for y0 := 0; y0 < H; y0 += d.opts.BandRows {
		rows := min(d.opts.BandRows, H-y0)
		b := make([]byte, 0, 8+wBytes*rows)
		b = append(b, cmdRaster...)
		b = append(b, byte(wBytes), byte(wBytes>>8), byte(rows), byte(rows>>8))
		for y := y0; y < y0+rows; y++ {
			line := make([]byte, wBytes)
			row := img.Pix[(y)*img.Stride:]
			for x := 0; x < min(W, d.opts.WidthDots); x++ {
				if row[x] < 128 {
					line[x>>3] |= 0x80 >> (x & 7)
				}
			}
			b = append(b, line...)
		}
		out = append(out, b)
	}
	return out
}

// PrintText renders lines with the bundled font at pt points and prints them.
func (d *Dev) PrintText(ctx context.Context, lines []string, pt float64) error {
	img, err := RenderText(lines, d.opts.WidthDots, d.opts.DPI, pt)
	if err != nil {
		return err
	}
	return d.PrintImage(ctx, img)
}

var _ conn.Resource = (*Dev)(nil)
