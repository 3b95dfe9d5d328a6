package printer

import (
	"context"
	"errors"
	"fmt"
	"image"
)

// Job is one document to print: rendered A4 pages, all at DPI.
type Job struct {
	Name  string // shown in the printer's queue; never personal data (use the issuance id)
	Pages []*image.Gray
	DPI   int
}

// Validate checks a job before it reaches a printer.
func (j Job) Validate() error {
	if len(j.Pages) == 0 {
		return fmt.Errorf("%w: no pages", ErrBadJob)
	}
	if j.DPI < 72 || j.DPI > 2400 {
		return fmt.Errorf("%w: %d dpi", ErrBadJob, j.DPI)
	}
	for i, p := range j.Pages {
		if p == nil || p.Rect.Empty() {
			return fmt.Errorf("%w: page %d is empty", ErrBadJob, i+1)
		}
	}
	return nil
}

// Fault is a condition that stops printing and that a kiosk shows or reports.
type Fault string

const (
	FaultMediaEmpty Fault = "media_empty" // out of paper
	FaultMediaLow   Fault = "media_low"   // paper low: warn, keep printing
	FaultMediaJam   Fault = "media_jam"
	FaultDoorOpen   Fault = "door_open" // door or cover open
	FaultOffline    Fault = "offline"   // not reachable, or not accepting jobs
	FaultCutter     Fault = "cutter"    // receipt auto-cutter error
	FaultOther      Fault = "other"     // any other stopping error
)

// Blocking reports whether the fault stops printing (as opposed to a warning).
func (f Fault) Blocking() bool { return f != FaultMediaLow }

// State is a printer's overall state.
type State string

const (
	StateIdle       State = "idle"
	StateProcessing State = "processing"
	StateStopped    State = "stopped"
)

// Status is a printer's state and its current faults.
type Status struct {
	State  State
	Faults []Fault
	// Reasons are the raw reasons the device gave (IPP printer-state-reasons, ESC/POS bits),
	// for technicians and logs.
	Reasons []string
}

// Ready reports whether a job can be sent now.
func (s Status) Ready() bool {
	if s.State == StateStopped {
		return false
	}
	for _, f := range s.Faults {
		if f.Blocking() {
			return false
		}
	}
	return true
}

// JobState is how a submitted job ended or stands.
type JobState string

const (
	JobPending    JobState = "pending"
	JobProcessing JobState = "processing"
	JobCompleted  JobState = "completed"
	JobAborted    JobState = "aborted"
	JobCanceled   JobState = "canceled"
)

// Errors a caller decides on.
var (
	ErrBadJob      = errors.New("printer: bad job")
	ErrNotReady    = errors.New("printer: not ready")
	ErrJobFailed   = errors.New("printer: job did not complete")
	ErrUnsupported = errors.New("printer: no document format in common with the printer")
)

// FaultError is returned when printing cannot start or stopped because of faults.
type FaultError struct{ Faults []Fault }

func (e *FaultError) Error() string { return fmt.Sprintf("printer: faults %v", e.Faults) }
func (e *FaultError) Unwrap() error { return ErrNotReady }

// DocumentPrinter is what every document printer driver implements.
// JobCanceller is a printer whose queued jobs can be cancelled by id. A job held by a fault
// must not come out after the fault is cleared: by then its session has ended and the tray
// belongs to the next resident.
type JobCanceller interface {
	CancelJob(ctx context.Context, jobID string) error
}

type DocumentPrinter interface {
	// Print sends the job and waits until the printer reports it completed, failed, or ctx ends.
	Print(ctx context.Context, j Job) (jobID string, err error)
	// Status asks the printer for its state and faults now.
	Status(ctx context.Context) (Status, error)
}
