package printer

import (
	"errors"
	"image"
	"testing"
)

func TestStatusReady(t *testing.T) {
	for _, tc := range []struct {
		s     Status
		ready bool
	}{
		{Status{State: StateIdle}, true},
		{Status{State: StateProcessing, Faults: []Fault{FaultMediaLow}}, true},
		{Status{State: StateIdle, Faults: []Fault{FaultMediaEmpty}}, false},
		{Status{State: StateStopped}, false},
		{Status{State: StateIdle, Faults: []Fault{FaultMediaLow, FaultDoorOpen}}, false},
	} {
		if tc.s.Ready() != tc.ready {
			t.Errorf("%+v: Ready() = %v", tc.s, !tc.ready)
		}
	}
}

func TestFaultErrorIsNotReady(t *testing.T) {
	var err error = &FaultError{Faults: []Fault{FaultMediaJam}}
	if !errors.Is(err, ErrNotReady) {
		t.Fatal("FaultError does not unwrap to ErrNotReady")
	}
}

func TestJobValidate(t *testing.T) {
	p := image.NewGray(image.Rect(0, 0, 10, 10))
	if err := (Job{Pages: []*image.Gray{p}, DPI: 300}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, j := range []Job{{DPI: 300}, {Pages: []*image.Gray{p}}, {Pages: []*image.Gray{p}, DPI: 5000}, {Pages: []*image.Gray{image.NewGray(image.Rectangle{})}, DPI: 300}} {
		if err := j.Validate(); !errors.Is(err, ErrBadJob) {
			t.Errorf("%+v: err = %v, want ErrBadJob", j, err)
		}
	}
}

func TestTestPage(t *testing.T) {
	j := TestPage(300)
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	p := j.Pages[0]
	if b := p.Bounds(); b.Dx() != 2480 || b.Dy() != 3507 {
		t.Fatalf("A4 at 300 dpi is 2480×3507, got %v", b)
	}
	mm := func(v float64) int { return int(v * 300 / 25.4) }
	if p.GrayAt(mm(2), mm(2)).Y != 0xff || p.GrayAt(mm(5), mm(100)).Y != 0 {
		t.Error("frame not 5 mm inside the edge")
	}
	// The grey steps run from white to black.
	y := mm(30) + mm(7)
	first, last := p.GrayAt((p.Bounds().Dx()-11*mm(15))/2+mm(7), y).Y, p.GrayAt((p.Bounds().Dx()+11*mm(15))/2-mm(7), y).Y
	if first != 0xff || last != 0 {
		t.Errorf("grey steps %d … %d, want 255 … 0", first, last)
	}
}
