package escpos

import (
	"errors"
	"fmt"

	"certkiosk/hw/printer"
)

// DLE EOT n requests and the bits of their one-byte answers (Epson TM technical reference).
const (
	StatusPrinter = 1 // n=1: printer status
	StatusOffline = 2 // n=2: offline cause
	StatusError   = 3 // n=3: error cause
	StatusPaper   = 4 // n=4: roll paper sensor

	bitDrawer        = 1 << 2 // n=1
	bitOffline       = 1 << 3 // n=1
	bitCoverOpen     = 1 << 2 // n=2
	bitFeedButton    = 1 << 3 // n=2
	bitPaperEndStop  = 1 << 5 // n=2
	bitErrorOccurred = 1 << 6 // n=2
	bitMechanical    = 1 << 2 // n=3
	bitCutter        = 1 << 3 // n=3
	bitUnrecoverable = 1 << 5 // n=3
	bitAutoRecover   = 1 << 6 // n=3
	bitsNearEnd      = 3 << 2 // n=4
	bitsPaperEnd     = 3 << 5 // n=4

	fixedMask = 0x93 // bits 0, 1, 4, 7 are fixed in every answer
	fixedBits = 0x12 // bit 1 and bit 4 set, bits 0 and 7 clear
)

// ErrBadStatus reports a status byte that is not a DLE EOT answer (wrong fixed bits: an ASB
// byte, line noise, or a printer that does not speak ESC/POS).
var ErrBadStatus = errors.New("escpos: not a real-time status byte")

// RealTime is the decoded answer to DLE EOT 1–4.
type RealTime struct {
	Offline         bool
	DrawerHigh      bool
	CoverOpen       bool
	FeedButton      bool
	PaperEndStop    bool // printing stopped because the paper ran out
	Error           bool
	MechanicalError bool
	CutterError     bool
	Unrecoverable   bool
	AutoRecoverable bool
	PaperNearEnd    bool
	PaperEnd        bool
}

// parseStatus merges the answer b to DLE EOT n into s.
func parseStatus(s *RealTime, n int, b byte) error {
	if b&fixedMask != fixedBits {
		return fmt.Errorf("%w: DLE EOT %d answered %#02x", ErrBadStatus, n, b)
	}
	switch n {
	case StatusPrinter:
		s.DrawerHigh = b&bitDrawer != 0
		s.Offline = b&bitOffline != 0
	case StatusOffline:
		s.CoverOpen = b&bitCoverOpen != 0
		s.FeedButton = b&bitFeedButton != 0
		s.PaperEndStop = b&bitPaperEndStop != 0
		s.Error = b&bitErrorOccurred != 0
	case StatusError:
		s.MechanicalError = b&bitMechanical != 0
		s.CutterError = b&bitCutter != 0
		s.Unrecoverable = b&bitUnrecoverable != 0
		s.AutoRecoverable = b&bitAutoRecover != 0
	case StatusPaper:
		s.PaperNearEnd = b&bitsNearEnd != 0
		s.PaperEnd = b&bitsPaperEnd != 0
	default:
		return fmt.Errorf("escpos: DLE EOT %d is not a status request", n)
	}
	return nil
}

// ParseStatus decodes the four answers to DLE EOT 1, 2, 3 and 4, in that order.
func ParseStatus(answers [4]byte) (RealTime, error) {
	var s RealTime
	for i, b := range answers {
		if err := parseStatus(&s, i+1, b); err != nil {
			return RealTime{}, err
		}
	}
	return s, nil
}

// Faults turns a real-time status into kiosk faults.
func (s RealTime) Faults() []printer.Fault {
	var out []printer.Fault
	if s.PaperEnd || s.PaperEndStop {
		out = append(out, printer.FaultMediaEmpty)
	} else if s.PaperNearEnd {
		out = append(out, printer.FaultMediaLow)
	}
	if s.CoverOpen {
		out = append(out, printer.FaultDoorOpen)
	}
	if s.CutterError {
		out = append(out, printer.FaultCutter)
	}
	if s.MechanicalError || s.Unrecoverable || s.AutoRecoverable {
		out = append(out, printer.FaultOther)
	}
	if s.Offline && len(out) == 0 {
		out = append(out, printer.FaultOffline)
	}
	return out
}

// Status turns a real-time status into a printer.Status.
func (s RealTime) Status() printer.Status {
	st := printer.Status{State: printer.StateIdle, Faults: s.Faults()}
	if s.Offline {
		st.State = printer.StateStopped
	}
	for _, r := range []struct {
		on   bool
		name string
	}{{s.Offline, "offline"}, {s.CoverOpen, "cover-open"}, {s.PaperEndStop, "paper-end-stop"}, {s.Error, "error"},
		{s.MechanicalError, "mechanical-error"}, {s.CutterError, "autocutter-error"}, {s.Unrecoverable, "unrecoverable-error"},
		{s.AutoRecoverable, "auto-recoverable-error"}, {s.PaperNearEnd, "paper-near-end"}, {s.PaperEnd, "paper-end"}} {
		if r.on {
			st.Reasons = append(st.Reasons, r.name)
		}
	}
	return st
}
