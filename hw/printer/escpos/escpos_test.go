package escpos

import (
	"bytes"
	"context"
	"errors"
	"image"
	"slices"
	"testing"
	"time"

	"periph.io/x/conn/v3/conntest"
	"periph.io/x/conn/v3/physic"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/escpos/escpossim"
	"certkiosk/hw/printer/uartserial"
)

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers [4]byte
		faults  []printer.Fault
		ready   bool
	}{
		{"all good", [4]byte{0x12, 0x12, 0x12, 0x12}, nil, true},
		{"paper end", [4]byte{0x1A, 0x72, 0x12, 0x7E}, []printer.Fault{printer.FaultMediaEmpty}, false},
		{"near end", [4]byte{0x12, 0x12, 0x12, 0x1E}, []printer.Fault{printer.FaultMediaLow}, true},
		{"cover open", [4]byte{0x1A, 0x56, 0x12, 0x12}, []printer.Fault{printer.FaultDoorOpen}, false},
		{"cutter", [4]byte{0x1A, 0x52, 0x1A, 0x12}, []printer.Fault{printer.FaultCutter}, false},
		{"unrecoverable", [4]byte{0x1A, 0x52, 0x32, 0x12}, []printer.Fault{printer.FaultOther}, false},
		{"offline, no cause", [4]byte{0x1A, 0x12, 0x12, 0x12}, []printer.Fault{printer.FaultOffline}, false},
	} {
		s, err := ParseStatus(tc.answers)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		st := s.Status()
		if !slices.Equal(st.Faults, tc.faults) || st.Ready() != tc.ready {
			t.Errorf("%s: %+v, want faults %v ready %v", tc.name, st, tc.faults, tc.ready)
		}
	}
	for _, bad := range [][4]byte{{0x00, 0x12, 0x12, 0x12}, {0x12, 0x13, 0x12, 0x12}, {0x12, 0x12, 0x92, 0x12}, {0x12, 0x12, 0x12, 0x02}} {
		if _, err := ParseStatus(bad); !errors.Is(err, ErrBadStatus) {
			t.Errorf("ParseStatus(% x): err = %v, want ErrBadStatus", bad, err)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add(byte(0x12), byte(0x12), byte(0x12), byte(0x12))
	f.Add(byte(0x1A), byte(0x72), byte(0x12), byte(0x7E))
	f.Add(byte(0xFF), byte(0x00), byte(0x93), byte(0x12))
	f.Fuzz(func(t *testing.T, a, b, c, d byte) {
		s, err := ParseStatus([4]byte{a, b, c, d})
		valid := true
		for _, x := range []byte{a, b, c, d} {
			valid = valid && x&fixedMask == fixedBits
		}
		if valid != (err == nil) {
			t.Fatalf("% x: err = %v, fixed bits valid = %v", []byte{a, b, c, d}, err, valid)
		}
		if err == nil {
			st := s.Status()
			if st.Ready() && (s.PaperEnd || s.CoverOpen || s.Offline || s.CutterError) {
				t.Fatalf("% x: ready while %+v", []byte{a, b, c, d}, s)
			}
		}
	})
}

var okStatus = []conntest.IO{
	{W: []byte{0x10, 0x04, 1}, R: []byte{0x12}},
	{W: []byte{0x10, 0x04, 2}, R: []byte{0x12}},
	{W: []byte{0x10, 0x04, 3}, R: []byte{0x12}},
	{W: []byte{0x10, 0x04, 4}, R: []byte{0x12}},
}

// TestRecordedBytes replays the exact traffic of initialise, status and a 16×3 image printed in
// bands of two rows, then cut.
func TestRecordedBytes(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 16, 3))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.Pix[0] = 0              // row 0, x 0
	img.Pix[img.Stride+15] = 0  // row 1, x 15
	img.Pix[2*img.Stride+8] = 0 // row 2, x 8
	ops := []conntest.IO{{W: []byte{0x1B, 0x40}}}
	ops = append(ops, okStatus...)
	ops = append(ops,
		conntest.IO{W: []byte{0x1D, 0x76, 0x30, 0, 2, 0, 2, 0, 0x80, 0x00, 0x00, 0x01}},
		conntest.IO{W: []byte{0x1D, 0x76, 0x30, 0, 2, 0, 1, 0, 0x00, 0x80}},
		conntest.IO{W: []byte{0x1B, 0x64, 3, 0x1D, 0x56, 66, 0}},
	)
	ops = append(ops, okStatus...)
	pb := &conntest.Playback{Ops: ops, DontPanic: true}
	d, err := New(pb, &Opts{WidthDots: 16, BandRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.PrintImage(context.Background(), img); err != nil {
		t.Fatal(err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRecordedPaperEndRefusesToPrint(t *testing.T) {
	pb := &conntest.Playback{DontPanic: true, Ops: []conntest.IO{
		{W: []byte{0x1B, 0x40}},
		{W: []byte{0x10, 0x04, 1}, R: []byte{0x1A}},
		{W: []byte{0x10, 0x04, 2}, R: []byte{0x72}},
		{W: []byte{0x10, 0x04, 3}, R: []byte{0x12}},
		{W: []byte{0x10, 0x04, 4}, R: []byte{0x7E}},
	}}
	d, err := New(pb, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = d.PrintImage(context.Background(), image.NewGray(image.Rect(0, 0, 8, 8)))
	var fe *printer.FaultError
	if !errors.As(err, &fe) || !slices.Equal(fe.Faults, []printer.Fault{printer.FaultMediaEmpty}) {
		t.Fatalf("err = %v, want media empty", err)
	}
	if err := pb.Close(); err != nil {
		t.Fatal(err) // nothing but status was sent
	}
}

func TestSimulatorFaults(t *testing.T) {
	sim := escpossim.New()
	d, err := New(sim.Conn(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := d.PrintText(ctx, []string{"領収書", "住民票の写し　1通　300円"}, 12); err != nil {
		t.Fatal(err)
	}
	paper := sim.Paper()
	if sim.Cuts() != 1 || sim.Unknown() != 0 || paper.Rect.Dx() != 576 || ink(paper) < 200 {
		t.Fatalf("cuts %d unknown %d paper %v ink %d", sim.Cuts(), sim.Unknown(), paper.Rect, ink(paper))
	}
	for _, tc := range []struct {
		set   func(bool)
		fault printer.Fault
	}{{sim.SetPaperEnd, printer.FaultMediaEmpty}, {sim.SetCoverOpen, printer.FaultDoorOpen}, {sim.SetCutterError, printer.FaultCutter}} {
		tc.set(true)
		st, err := d.Status(ctx)
		if err != nil || st.Ready() || !slices.Contains(st.Faults, tc.fault) {
			t.Errorf("status %+v, %v; want %s", st, err, tc.fault)
		}
		if err := d.PrintText(ctx, []string{"x"}, 12); !errors.Is(err, printer.ErrNotReady) {
			t.Errorf("print with %s: err = %v", tc.fault, err)
		}
		tc.set(false)
	}
	sim.SetPaperNearEnd(true)
	st, err := d.Status(ctx)
	if err != nil || !st.Ready() || !slices.Contains(st.Faults, printer.FaultMediaLow) {
		t.Errorf("near end: %+v %v", st, err)
	}
	if sim.Cuts() != 1 {
		t.Errorf("a faulted printer cut paper: %d cuts", sim.Cuts())
	}
}

func ink(g *image.Gray) int {
	n := 0
	for _, v := range g.Pix {
		if v < 128 {
			n++
		}
	}
	return n
}

// TestOverPTY runs the driver through the serial adapter on a real pseudo-terminal.
func TestOverPTY(t *testing.T) {
	sim := escpossim.New()
	path, stop, err := sim.ServePTY()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer stop()
	port, err := uartserial.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	d, err := Connect(port, 115200*physic.Hertz, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetCoverOpen(true)
	if st, err := d.Status(context.Background()); err != nil || !slices.Contains(st.Faults, printer.FaultDoorOpen) {
		t.Fatalf("status %+v, %v", st, err)
	}
	sim.SetCoverOpen(false)
	if err := d.PrintText(context.Background(), []string{"ありがとうございました"}, 12); err != nil {
		t.Fatal(err)
	}
	if sim.Cuts() != 1 || sim.Inits() != 1 || ink(sim.Paper()) < 100 {
		t.Fatalf("cuts %d inits %d ink %d", sim.Cuts(), sim.Inits(), ink(sim.Paper()))
	}
	want, _ := RenderText([]string{"ありがとうございました"}, 576, 203, 12)
	got := sim.Paper()
	if !bytes.Equal(threshold(got.SubImage(want.Rect).(*image.Gray)), threshold(want)) {
		t.Fatal("printed raster differs from the rendered receipt")
	}
}

func threshold(g *image.Gray) []byte {
	out := make([]byte, 0, g.Rect.Dx()*g.Rect.Dy())
	for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
		for x := g.Rect.Min.X; x < g.Rect.Max.X; x++ {
			out = append(out, map[bool]byte{true: 1}[g.GrayAt(x, y).Y < 128])
		}
	}
	return out
}

func TestSilentPrinterIsOffline(t *testing.T) {
	sim := escpossim.New()
	path, stop, err := sim.ServePTY()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer stop()
	sim.SetMute(true)
	port, err := uartserial.Open(path, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	c, err := port.Connect(9600*physic.Hertz, 1, 'N', 0x10000, 8)
	if err != nil {
		t.Fatal(err)
	}
	d := &Dev{c: c, opts: DefaultOpts}
	st, err := d.Status(context.Background())
	if !errors.Is(err, uartserial.ErrTimeout) || !slices.Contains(st.Faults, printer.FaultOffline) {
		t.Fatalf("status %+v, err %v; want offline", st, err)
	}
}

func TestNewRejectsOddWidth(t *testing.T) {
	if _, err := New(escpossim.New().Conn(), &Opts{WidthDots: 300}); err == nil {
		t.Fatal("width of 300 dots (not whole bytes) accepted")
	}
}
