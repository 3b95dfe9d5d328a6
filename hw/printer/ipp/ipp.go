package ipp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/OpenPrinting/goipp"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/raster"
)

// Document formats this driver can send.
const (
	FormatPWG = "image/pwg-raster"
	FormatPDF = "application/pdf"
)

// Opts configures a Dev. The zero value works.
type Opts struct {
	HTTP         *http.Client  // nil: a client with a 30 s timeout per request
	User         string        // requesting-user-name; "" means "kiosk"
	PollInterval time.Duration // job and status polling; 0 means 500 ms
	PreferPDF    bool          // send PDF even when PWG raster is offered
}

// Dev is one IPP printer.
type Dev struct {
	uri    string // ipp://host:port/path as the printer knows itself
	http   string // the same over http://
	opts   Opts
	client *http.Client
	reqID  atomic.Uint32
}

// New returns a Dev for the printer at uri (ipp://, ipps://, http:// or https://). It does not
// contact the printer.
func New(uri string, opts *Opts) (*Dev, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("ipp: printer uri %q: %w", uri, err)
	}
	d := &Dev{uri: uri}
	if opts != nil {
		d.opts = *opts
	}
	switch u.Scheme {
	case "ipp", "http":
		u.Scheme = "http"
		if u.Port() == "" {
			u.Host += ":631"
		}
	case "ipps", "https":
		u.Scheme = "https"
		if u.Port() == "" {
			u.Host += ":631"
		}
	default:
		return nil, fmt.Errorf("ipp: printer uri %q: scheme must be ipp, ipps, http or https", uri)
	}
	d.http = u.String()
	d.client = d.opts.HTTP
	if d.client == nil {
		d.client = &http.Client{Timeout: 30 * time.Second}
	}
	if d.opts.User == "" {
		d.opts.User = "kiosk"
	}
	if d.opts.PollInterval == 0 {
		d.opts.PollInterval = 500 * time.Millisecond
	}
	return d, nil
}

func (d *Dev) String() string { return "ipp{" + d.uri + "}" }

// Attributes is what the driver needs to know of a printer.
type Attributes struct {
	Formats        []string // document-format-supported
	PWGTypes       []string // pwg-raster-document-type-supported
	PWGResolutions []int    // pwg-raster-document-resolution-supported (dpi, square only)
	MediaReady     []string
	State          printer.State
	Reasons        []string // printer-state-reasons, raw
	Accepting      bool     // printer-is-accepting-jobs
	Message        string   // printer-state-message
}

func (d *Dev) request(op goipp.Op) *goipp.Message {
	m := goipp.NewRequest(goipp.DefaultVersion, op, d.reqID.Add(1))
	m.Operation.Add(goipp.MakeAttribute("attributes-charset", goipp.TagCharset, goipp.String("utf-8")))
	m.Operation.Add(goipp.MakeAttribute("attributes-natural-language", goipp.TagLanguage, goipp.String("en-us")))
	m.Operation.Add(goipp.MakeAttribute("printer-uri", goipp.TagURI, goipp.String(d.uri)))
	m.Operation.Add(goipp.MakeAttribute("requesting-user-name", goipp.TagName, goipp.String(d.opts.User)))
	return m
}

// ErrIPP is an IPP status other than successful.
type ErrIPP struct {
	Op     goipp.Op
	Status goipp.Status
	Msg    string
}

func (e *ErrIPP) Error() string {
	return fmt.Sprintf("ipp %s: %s %s", e.Op, e.Status, e.Msg)
}

// do sends m (and the document, if any) and decodes the answer.
func (d *Dev) do(ctx context.Context, m *goipp.Message, doc []byte) (*goipp.Message, error) {
	hdr, err := m.EncodeBytes()
	if err != nil {
		return nil, fmt.Errorf("ipp %s: encode: %w", goipp.Op(m.Code), err)
	}
	body := io.MultiReader(bytes.NewReader(hdr), bytes.NewReader(doc))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.http, body)
	if err != nil {
		return nil, fmt.Errorf("ipp %s: %w", goipp.Op(m.Code), err)
	}
	req.ContentLength = int64(len(hdr) + len(doc))
	req.Header.Set("Content-Type", goipp.ContentType)
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ipp %s: %w", goipp.Op(m.Code), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ipp %s: HTTP %s", goipp.Op(m.Code), resp.Status)
	}
	var r goipp.Message
	if err := r.Decode(io.LimitReader(resp.Body, 1<<20)); err != nil {
		return nil, fmt.Errorf("ipp %s: decode response: %w", goipp.Op(m.Code), err)
	}
	if st := goipp.Status(r.Code); st >= 0x0100 { // successful-ok-* are 0x0000–0x00FF
		return &r, &ErrIPP{Op: goipp.Op(m.Code), Status: st, Msg: firstString(r.Operation, "status-message")}
	}
	return &r, nil
}

// Attributes asks the printer for the attributes the driver uses.
func (d *Dev) Attributes(ctx context.Context) (Attributes, error) {
	m := d.request(goipp.OpGetPrinterAttributes)
	m.Operation.Add(goipp.MakeAttr("requested-attributes", goipp.TagKeyword,
		goipp.String("document-format-supported"), goipp.String("pwg-raster-document-type-supported"),
		goipp.String("pwg-raster-document-resolution-supported"), goipp.String("media-ready"),
		goipp.String("printer-state"), goipp.String("printer-state-reasons"),
		goipp.String("printer-is-accepting-jobs"), goipp.String("printer-state-message")))
	r, err := d.do(ctx, m, nil)
	if err != nil {
		return Attributes{}, err
	}
	return parseAttributes(r.Printer), nil
}

func parseAttributes(attrs goipp.Attributes) Attributes {
	a := Attributes{
		Formats:    strings_(attrs, "document-format-supported"),
		PWGTypes:   strings_(attrs, "pwg-raster-document-type-supported"),
		MediaReady: strings_(attrs, "media-ready"),
		Reasons:    strings_(attrs, "printer-state-reasons"),
		Message:    firstString(attrs, "printer-state-message"),
		Accepting:  true,
	}
	for _, at := range attrs {
		switch at.Name {
		case "pwg-raster-document-resolution-supported":
			for _, v := range at.Values {
				if r, ok := v.V.(goipp.Resolution); ok && r.Xres == r.Yres && r.Units == goipp.UnitsDpi {
					a.PWGResolutions = append(a.PWGResolutions, r.Xres)
				}
			}
		case "printer-state":
			if len(at.Values) > 0 {
				if n, ok := at.Values[0].V.(goipp.Integer); ok {
					switch n {
					case 3:
						a.State = printer.StateIdle
					case 4:
						a.State = printer.StateProcessing
					case 5:
						a.State = printer.StateStopped
					}
				}
			}
		case "printer-is-accepting-jobs":
			if len(at.Values) > 0 {
				if b, ok := at.Values[0].V.(goipp.Boolean); ok {
					a.Accepting = bool(b)
				}
			}
		}
	}
	return a
}

func strings_(attrs goipp.Attributes, name string) []string {
	var out []string
	for _, at := range attrs {
		if at.Name == name {
			for _, v := range at.Values {
				out = append(out, v.V.String())
			}
		}
	}
	return out
}

func firstString(attrs goipp.Attributes, name string) string {
	if s := strings_(attrs, name); len(s) > 0 {
		return s[0]
	}
	return ""
}

// FaultsFromReasons maps IPP printer-state-reasons (RFC 8011 §5.4.12, PWG 5100.9) to kiosk
// faults. Suffixes -error, -warning and -report say how severe: -report is ignored, a warning
// counts only for the faults that warn (media-low), anything else that ends in -error and is
// not known becomes FaultOther.
func FaultsFromReasons(reasons []string) []printer.Fault {
	var out []printer.Fault
	add := func(f printer.Fault) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	for _, r := range reasons {
		base, sev := r, ""
		for _, s := range []string{"-error", "-warning", "-report"} {
			if b, ok := strings.CutSuffix(r, s); ok {
				base, sev = b, s
			}
		}
		if sev == "-report" || base == "none" {
			continue
		}
		switch base {
		case "media-empty", "media-needed", "input-tray-missing":
			add(printer.FaultMediaEmpty)
		case "media-low":
			add(printer.FaultMediaLow)
		case "media-jam", "marker-jam":
			add(printer.FaultMediaJam)
		case "door-open", "cover-open", "interlock-open", "input-area-open", "output-area-open":
			add(printer.FaultDoorOpen)
		case "offline", "connecting-to-device", "shutdown", "timed-out", "paused", "moving-to-paused":
			add(printer.FaultOffline)
		default:
			if sev == "-error" {
				add(printer.FaultOther)
			}
		}
	}
	return out
}

// Status asks the printer for its state. When the printer cannot be reached, the Status says
// FaultOffline and the error says why.
func (d *Dev) Status(ctx context.Context) (printer.Status, error) {
	a, err := d.Attributes(ctx)
	if err != nil {
		return printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultOffline}}, err
	}
	return statusOf(a), nil
}

func statusOf(a Attributes) printer.Status {
	s := printer.Status{State: a.State, Faults: FaultsFromReasons(a.Reasons), Reasons: a.Reasons}
	if !a.Accepting && !slices.Contains(s.Faults, printer.FaultOffline) {
		s.Faults = append(s.Faults, printer.FaultOffline)
	}
	return s
}

// Watch polls the printer every interval (0: the Dev's poll interval) and sends its Status each
// time the state or faults change, starting with the first. The channel closes when ctx ends.
func (d *Dev) Watch(ctx context.Context, interval time.Duration) <-chan printer.Status {
	if interval == 0 {
		interval = d.opts.PollInterval
	}
	ch := make(chan printer.Status, 1)
	go func() {
		defer close(ch)
		var last *printer.Status
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s, err := d.Status(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				// Unreachable is a state of its own, not "ready with no faults".
				s = printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultOffline}, Reasons: []string{err.Error()}}
			}
			if last == nil || s.State != last.State || !slices.Equal(s.Faults, last.Faults) {
				select {
				case ch <- s:
				case <-ctx.Done():
					return
				}
				last = &s
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// chooseFormat picks what to send: PWG raster at the job's resolution (1-bit when offered),
// else PDF.
func (d *Dev) chooseFormat(a Attributes, dpi int) (format string, pwg raster.PWGType, err error) {
	pwgOK := slices.Contains(a.Formats, FormatPWG) && slices.Contains(a.PWGResolutions, dpi)
	pdfOK := slices.Contains(a.Formats, FormatPDF)
	switch {
	case pwgOK && (!d.opts.PreferPDF || !pdfOK):
		switch {
		case slices.Contains(a.PWGTypes, string(raster.Black1)):
			return FormatPWG, raster.Black1, nil
		case slices.Contains(a.PWGTypes, string(raster.SGray8)):
			return FormatPWG, raster.SGray8, nil
		}
		if pdfOK {
			return FormatPDF, "", nil
		}
	case pdfOK:
		return FormatPDF, "", nil
	}
	return "", "", fmt.Errorf("%w: printer offers %v (PWG types %v at %v dpi), job is %d dpi",
		printer.ErrUnsupported, a.Formats, a.PWGTypes, a.PWGResolutions, dpi)
}

// Encode renders the job in the format Print would choose for a, for measurements and tests.
func (d *Dev) Encode(a Attributes, j printer.Job) (format string, doc []byte, err error) {
	format, pwg, err := d.chooseFormat(a, j.DPI)
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	if format == FormatPWG {
		err = raster.EncodePWG(&b, j.Pages, j.DPI, pwg)
	} else {
		err = raster.EncodePDF(&b, j.Pages, j.DPI)
	}
	if err != nil {
		return "", nil, fmt.Errorf("ipp: encode job: %w", err)
	}
	return format, b.Bytes(), nil
}

// Print checks the printer is ready, sends the job and follows it until it completes. A job the
// printer aborts or cancels, or one that stops on a fault, returns an error wrapping
// printer.ErrJobFailed (with a *printer.FaultError when faults are known). When ctx ends the
// job is cancelled on the printer.
func (d *Dev) Print(ctx context.Context, j printer.Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	a, err := d.Attributes(ctx)
	if err != nil {
		return "", err
	}
	if st := statusOf(a); !st.Ready() {
		return "", &printer.FaultError{Faults: st.Faults}
	}
	format, doc, err := d.Encode(a, j)
	if err != nil {
		return "", err
	}
	m := d.request(goipp.OpPrintJob)
	m.Operation.Add(goipp.MakeAttribute("job-name", goipp.TagName, goipp.String(j.Name)))
	m.Operation.Add(goipp.MakeAttribute("document-format", goipp.TagMimeType, goipp.String(format)))
	r, err := d.do(ctx, m, doc)
	if err != nil {
		return "", err
	}
	id := 0
	for _, at := range r.Job {
		if at.Name == "job-id" && len(at.Values) > 0 {
			if n, ok := at.Values[0].V.(goipp.Integer); ok {
				id = int(n)
			}
		}
	}
	if id == 0 {
		return "", fmt.Errorf("ipp print-job: no job-id in the response")
	}
	jobID := fmt.Sprint(id)
	return jobID, d.follow(ctx, id)
}

// follow polls the job until it ends. A job stuck on a blocking printer fault is reported as soon
// as the fault is seen, while the job stays queued on the printer (the caller decides).
func (d *Dev) follow(ctx context.Context, id int) error {
	t := time.NewTicker(d.opts.PollInterval)
	defer t.Stop()
	for {
		st, reasons, err := d.JobState(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				d.cancel(id)
				return fmt.Errorf("%w: job %d: %w", printer.ErrJobFailed, id, ctx.Err())
			}
			return err
		}
		switch st {
		case printer.JobCompleted:
			return nil
		case printer.JobAborted, printer.JobCanceled:
			ps, _ := d.Status(ctx)
			return fmt.Errorf("%w: job %d %s (%v): %w", printer.ErrJobFailed, id, st, reasons, &printer.FaultError{Faults: ps.Faults})
		}
		if ps, err := d.Status(ctx); err == nil && !ps.Ready() {
			return fmt.Errorf("%w: job %d held: %w", printer.ErrJobFailed, id, &printer.FaultError{Faults: ps.Faults})
		}
		select {
		case <-ctx.Done():
			d.cancel(id)
			return fmt.Errorf("%w: job %d: %w", printer.ErrJobFailed, id, ctx.Err())
		case <-t.C:
		}
	}
}

// JobState asks for one job's state and reasons.
func (d *Dev) JobState(ctx context.Context, id int) (printer.JobState, []string, error) {
	m := d.request(goipp.OpGetJobAttributes)
	m.Operation.Add(goipp.MakeAttribute("job-id", goipp.TagInteger, goipp.Integer(id)))
	m.Operation.Add(goipp.MakeAttr("requested-attributes", goipp.TagKeyword, goipp.String("job-state"), goipp.String("job-state-reasons")))
	r, err := d.do(ctx, m, nil)
	if err != nil {
		return "", nil, err
	}
	st := printer.JobPending
	for _, at := range r.Job {
		if at.Name == "job-state" && len(at.Values) > 0 {
			if n, ok := at.Values[0].V.(goipp.Integer); ok {
				switch n {
				case 3, 4, 6: // pending, pending-held, processing-stopped
					st = printer.JobPending
				case 5:
					st = printer.JobProcessing
				case 7:
					st = printer.JobCanceled
				case 8:
					st = printer.JobAborted
				case 9:
					st = printer.JobCompleted
				}
			}
		}
	}
	return st, strings_(r.Job, "job-state-reasons"), nil
}

// CancelJob implements printer.JobCanceller: IPP Cancel-Job for a job this kiosk sent. A job
// that has already ended answers client-error-not-possible, which is not an error here.
func (d *Dev) CancelJob(ctx context.Context, jobID string) error {
	id, err := strconv.Atoi(jobID)
	if err != nil || id <= 0 {
		return fmt.Errorf("ipp cancel-job: job id %q", jobID)
	}
	m := d.request(goipp.OpCancelJob)
	m.Operation.Add(goipp.MakeAttribute("job-id", goipp.TagInteger, goipp.Integer(id)))
	_, err = d.do(ctx, m, nil)
	var ie *ErrIPP
	if errors.As(err, &ie) && ie.Status == goipp.StatusErrorNotPossible {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ipp cancel-job %d: %w", id, err)
	}
	return nil
}

// cancel asks the printer to cancel a job, on a fresh short context (the caller's has ended).
func (d *Dev) cancel(id int) {
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	m := d.request(goipp.OpCancelJob)
	m.Operation.Add(goipp.MakeAttribute("job-id", goipp.TagInteger, goipp.Integer(id)))
	_, _ = d.do(ctx, m, nil) // best effort: the job may already have ended
}

var _ printer.DocumentPrinter = (*Dev)(nil)
