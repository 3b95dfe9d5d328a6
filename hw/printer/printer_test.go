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
