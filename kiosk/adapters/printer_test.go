package adapters

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/file"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/document/documenttest"
)

func verifiedSample(t *testing.T) kiosk.VerifiedDocument {
	t.Helper()
	k, err := documenttest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	c := documenttest.Content(document.TypeJuminhyo, false)
	env, c, err := documenttest.Seal(c, k)
	if err != nil {
		t.Fatal(err)
	}
	var b kiosk.Binding
	b.SessionID, b.Nonce = c.Binding.SessionID, c.Binding.Nonce
	copy(b.CertSHA256[:], c.Binding.UserAuthCertSHA256)
	d, err := kiosk.VerifyDocument(kiosk.KeyVerifier(k.Keys), env, b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPrinterAdapterFilePrinter(t *testing.T) {
	dir := t.TempDir()
	dev, err := file.New(dir, file.PNG)
	if err != nil {
		t.Fatal(err)
	}
	p := &Printer{Device: dev, DPI: 150}
	if err := p.Print(context.Background(), verifiedSample(t)); err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*", "page-*.png"))
	if len(pages) == 0 {
		t.Fatal("no page written")
	}
	if err := p.Print(context.Background(), kiosk.VerifiedDocument{}); err == nil {
		t.Fatal("an unverified document was printed")
	}
}

type faulty struct{ faults []printer.Fault }

func (f faulty) Print(context.Context, printer.Job) (string, error) {
	return "", &printer.FaultError{Faults: f.faults}
}
func (f faulty) Status(context.Context) (printer.Status, error) { return printer.Status{}, nil }

func TestPrinterAdapterFaults(t *testing.T) {
	d := verifiedSample(t)
	for in, want := range map[printer.Fault]string{printer.FaultMediaEmpty: "paper_out", printer.FaultMediaJam: "jam",
		printer.FaultDoorOpen: "cover_open", printer.FaultOffline: "offline"} {
		p := &Printer{Device: faulty{[]printer.Fault{printer.FaultMediaLow, in}}, DPI: 150}
		var pf *kiosk.PrintFaultError
		if err := p.Print(context.Background(), d); !errors.As(err, &pf) || pf.Fault != want {
			t.Errorf("%s: %v, want fault %s", in, err, want)
		}
	}
}

// heldJob is a printer that queued the job and then stopped on a fault, like an IPP printer with
// a jam: the job is still there.
type heldJob struct {
	cancelled []string
	cancelErr error
}

func (h *heldJob) Print(context.Context, printer.Job) (string, error) {
	return "17", &printer.FaultError{Faults: []printer.Fault{printer.FaultMediaJam}}
}
func (h *heldJob) Status(context.Context) (printer.Status, error) { return printer.Status{}, nil }
func (h *heldJob) CancelJob(_ context.Context, id string) error {
	h.cancelled = append(h.cancelled, id)
	return h.cancelErr
}

// A job held by a fault is cancelled at once: cleared later, it would print a finished
// session's certificate into the next resident's tray.
func TestPrinterAdapterCancelsHeldJob(t *testing.T) {
	d := verifiedSample(t)
	h := &heldJob{}
	p := &Printer{Device: h, DPI: 150}
	var pf *kiosk.PrintFaultError
	if err := p.Print(context.Background(), d); !errors.As(err, &pf) || pf.Fault != "jam" {
		t.Fatalf("err %v, want the jam", err)
	}
	if len(h.cancelled) != 1 || h.cancelled[0] != "17" {
		t.Fatalf("cancelled %v, want job 17", h.cancelled)
	}
	h.cancelErr = errors.New("printer unreachable")
	err := p.Print(context.Background(), d)
	if err == nil || !errors.Is(err, h.cancelErr) {
		t.Fatalf("a held job that could not be cancelled: %v", err)
	}
}
