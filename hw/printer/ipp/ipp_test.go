package ipp

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/OpenPrinting/goipp"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/ipp/ipptest"
	"certkiosk/hw/printer/raster"
)

func TestFaultsFromReasons(t *testing.T) {
	for _, tc := range []struct {
		reasons []string
		want    []printer.Fault
	}{
		{[]string{"none"}, nil},
		{[]string{"media-empty-error"}, []printer.Fault{printer.FaultMediaEmpty}},
		{[]string{"media-needed"}, []printer.Fault{printer.FaultMediaEmpty}},
		{[]string{"media-jam"}, []printer.Fault{printer.FaultMediaJam}},
		{[]string{"door-open-error", "cover-open"}, []printer.Fault{printer.FaultDoorOpen}},
		{[]string{"connecting-to-device"}, []printer.Fault{printer.FaultOffline}},
		{[]string{"offline-report"}, nil},
		{[]string{"media-low-warning"}, []printer.Fault{printer.FaultMediaLow}},
		{[]string{"toner-low-warning"}, nil},
		{[]string{"fuser-over-temp-error"}, []printer.Fault{printer.FaultOther}},
		{[]string{"media-jam-error", "media-empty-warning", "paused"}, []printer.Fault{printer.FaultMediaJam, printer.FaultMediaEmpty, printer.FaultOffline}},
	} {
		if got := FaultsFromReasons(tc.reasons); !slices.Equal(got, tc.want) {
			t.Errorf("FaultsFromReasons(%v) = %v, want %v", tc.reasons, got, tc.want)
		}
	}
}

// fakePrinter answers Get-Printer-Attributes with a recorded-style attribute set (the
// attributes ippeveprinter sends, with the state and reasons given) in real IPP bytes.
func fakePrinter(t *testing.T, state int, accepting bool, reasons ...string) *Dev {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req goipp.Message
		if err := req.Decode(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp := goipp.NewResponse(req.Version, goipp.StatusOk, req.RequestID)
		resp.Operation.Add(goipp.MakeAttribute("attributes-charset", goipp.TagCharset, goipp.String("utf-8")))
		resp.Operation.Add(goipp.MakeAttribute("attributes-natural-language", goipp.TagLanguage, goipp.String("en-us")))
		rs := make([]goipp.Value, len(reasons))
		for i, s := range reasons {
			rs[i] = goipp.String(s)
		}
		resp.Printer.Add(goipp.MakeAttr("document-format-supported", goipp.TagMimeType, goipp.String("application/pdf"), goipp.String("image/pwg-raster")))
		resp.Printer.Add(goipp.MakeAttr("pwg-raster-document-type-supported", goipp.TagKeyword, goipp.String("black_1"), goipp.String("sgray_8")))
		resp.Printer.Add(goipp.MakeAttr("pwg-raster-document-resolution-supported", goipp.TagResolution,
			goipp.Resolution{Xres: 300, Yres: 300, Units: goipp.UnitsDpi}, goipp.Resolution{Xres: 600, Yres: 600, Units: goipp.UnitsDpi}))
		resp.Printer.Add(goipp.MakeAttribute("printer-state", goipp.TagEnum, goipp.Integer(state)))
		resp.Printer.Add(goipp.MakeAttr("printer-state-reasons", goipp.TagKeyword, rs[0], rs[1:]...))
		resp.Printer.Add(goipp.MakeAttribute("printer-is-accepting-jobs", goipp.TagBoolean, goipp.Boolean(accepting)))
		w.Header().Set("Content-Type", goipp.ContentType)
		_ = resp.Encode(w)
	}))
	t.Cleanup(srv.Close)
	d, err := New(strings.Replace(srv.URL, "http://", "ipp://", 1)+"/ipp/print", nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStatusFromAttributes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		state     int
		accepting bool
		reasons   []string
		ready     bool
		faults    []printer.Fault
	}{
		{3, true, []string{"none"}, true, nil},
		{5, true, []string{"media-empty-error"}, false, []printer.Fault{printer.FaultMediaEmpty}},
		{5, true, []string{"media-jam-error", "door-open-error"}, false, []printer.Fault{printer.FaultMediaJam, printer.FaultDoorOpen}},
		{3, true, []string{"media-low-warning"}, true, []printer.Fault{printer.FaultMediaLow}},
		{3, false, []string{"none"}, false, []printer.Fault{printer.FaultOffline}},
	} {
		d := fakePrinter(t, tc.state, tc.accepting, tc.reasons...)
		s, err := d.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Ready() != tc.ready || !slices.Equal(s.Faults, tc.faults) {
			t.Errorf("reasons %v accepting %v: status %+v, want ready=%v faults=%v", tc.reasons, tc.accepting, s, tc.ready, tc.faults)
		}
		if !tc.ready {
			_, err := d.Print(ctx, printer.Job{Name: "x", Pages: []*image.Gray{image.NewGray(image.Rect(0, 0, 8, 8))}, DPI: 300})
			var fe *printer.FaultError
			if !errors.As(err, &fe) || !errors.Is(err, printer.ErrNotReady) {
				t.Errorf("print while %v: err = %v, want a FaultError", tc.reasons, err)
			}
		}
	}
}

func TestStatusOfUnreachablePrinter(t *testing.T) {
	d, err := New("ipp://127.0.0.1:1/ipp/print", &Opts{HTTP: &http.Client{Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Status(context.Background())
	if err == nil || s.Ready() || !slices.Contains(s.Faults, printer.FaultOffline) {
		t.Fatalf("status %+v, err %v; want offline and an error", s, err)
	}
}

func TestNewRejectsBadURI(t *testing.T) {
	for _, u := range []string{"lpd://x/q", "://", "usb://x"} {
		if _, err := New(u, nil); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}

func TestChooseFormat(t *testing.T) {
	d, _ := New("ipp://x/ipp/print", nil)
	pdfOnly := Attributes{Formats: []string{FormatPDF}}
	gray := Attributes{Formats: []string{FormatPWG, FormatPDF}, PWGTypes: []string{"sgray_8"}, PWGResolutions: []int{300}}
	both := Attributes{Formats: []string{FormatPWG}, PWGTypes: []string{"sgray_8", "black_1"}, PWGResolutions: []int{300, 600}}
	for _, tc := range []struct {
		a      Attributes
		dpi    int
		format string
		typ    raster.PWGType
	}{
		{pdfOnly, 300, FormatPDF, ""},
		{gray, 300, FormatPWG, raster.SGray8},
		{gray, 600, FormatPDF, ""},
		{both, 600, FormatPWG, raster.Black1},
	} {
		f, typ, err := d.chooseFormat(tc.a, tc.dpi)
		if err != nil || f != tc.format || typ != tc.typ {
			t.Errorf("%+v at %d: %s %s %v", tc.a, tc.dpi, f, typ, err)
		}
	}
	if _, _, err := d.chooseFormat(Attributes{Formats: []string{"image/urf"}}, 300); !errors.Is(err, printer.ErrUnsupported) {
		t.Errorf("urf only: err = %v, want ErrUnsupported", err)
	}
}

func testJob() printer.Job {
	p := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range p.Pix {
		p.Pix[i] = 255
	}
	for y := 1000; y < 1100; y++ {
		for x := 500; x < 1500; x++ {
			p.Pix[y*p.Stride+x] = 0
		}
	}
	return printer.Job{Name: "test-page", Pages: []*image.Gray{p}, DPI: 300}
}

// TestIppeveprinter: attributes, then a PWG raster job and a PDF job through a real IPP
// Everywhere printer, and the bytes the printer spooled decode to the page we sent.
func TestIppeveprinter(t *testing.T) {
	p := ipptest.StartPrinter(t, ipptest.Options{Command: "exit 0"}) // a command ends jobs at once; without one ippeveprinter simulates seconds of printing
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d, err := New(p.URI, &Opts{PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Attributes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.Formats, FormatPWG) || !slices.Contains(a.PWGResolutions, 300) || a.State != printer.StateIdle {
		t.Fatalf("attributes %+v", a)
	}
	j := testJob()
	id, err := d.Print(ctx, j)
	if err != nil {
		t.Fatalf("print: %v\n%s", err, p.Log)
	}
	f, err := os.Open(p.JobFile(t, id))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pages, err := raster.DecodePWG(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || !bytes.Equal(pages[0].Image.Pix, j.Pages[0].Pix) {
		t.Fatalf("spooled raster differs from the page sent")
	}

	pdf, err := New(p.URI, &Opts{PollInterval: 100 * time.Millisecond, PreferPDF: true})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := pdf.Print(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p.JobFile(t, id2))
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("spooled PDF: %v %q", err, b[:min(8, len(b))])
	}
}

// TestIppeveprinterFault: the printer's job command reports a paper jam the way a real device
// does; Print fails with the jam as a fault and Watch reports it.
func TestIppeveprinterFault(t *testing.T) {
	p := ipptest.StartPrinter(t, ipptest.Options{Command: `echo "STATE: +media-jam" >&2; sleep 5`})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d, err := New(p.URI, &Opts{PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	watch, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	events := d.Watch(watch, 100*time.Millisecond)
	if s := <-events; !s.Ready() {
		t.Fatalf("first status %+v, want ready", s)
	}
	id, err := d.Print(ctx, testJob())
	var fe *printer.FaultError
	if !errors.Is(err, printer.ErrJobFailed) || !errors.As(err, &fe) || !slices.Contains(fe.Faults, printer.FaultMediaJam) {
		t.Fatalf("print on a jamming printer: err = %v, want a jam\n%s", err, p.Log)
	}
	// The held job is cancelled on the printer itself, and cancelling it again is no error.
	if id == "" {
		t.Fatal("a held job without its id: the caller cannot cancel it")
	}
	if err := d.CancelJob(ctx, id); err != nil {
		t.Fatalf("cancel held job %s: %v", id, err)
	}
	n, _ := strconv.Atoi(id)
	for deadline := time.Now().Add(10 * time.Second); ; {
		st, _, err := d.JobState(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if st == printer.JobCanceled || st == printer.JobAborted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after Cancel-Job", id, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := d.CancelJob(ctx, id); err != nil {
		t.Fatalf("cancel an ended job: %v", err)
	}
	for s := range events {
		if slices.Contains(s.Faults, printer.FaultMediaJam) {
			return
		}
	}
	t.Fatal("Watch never reported the jam")
}

func TestDoRejectsNonIPPAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/bad" {
			_, _ = w.Write([]byte("<html>not ipp</html>"))
			return
		}
		http.Error(w, "nope", http.StatusForbidden)
	}))
	defer srv.Close()
	for _, path := range []string{"/bad", "/forbidden"} {
		d, _ := New(srv.URL+path, nil)
		if _, err := d.Attributes(context.Background()); err == nil {
			t.Errorf("%s: no error", path)
		}
	}
}
