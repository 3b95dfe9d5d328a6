package demo

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/printer/ipp"
	"certkiosk/hw/printer/ipp/ipptest"
	"certkiosk/hw/printer/raster"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
)

// startWith runs a demo kiosk with opts (Dir and Display are filled in).
func startWith(t *testing.T, opts Options) (*Demo, *kiosk.Watcher) {
	t.Helper()
	w := &kiosk.Watcher{Next: opts.Display}
	opts.Dir, opts.Display = t.TempDir(), w
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return d, w
}

func keysOf(t *testing.T, d *Demo) document.Keys {
	t.Helper()
	b, err := os.ReadFile(d.KeysFile())
	if err != nil {
		t.Fatal(err)
	}
	k, err := document.ParseKeysJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestIssuanceThroughIPP prints the demo issuance on CUPS's ippeveprinter: both copies reach
// its spool as PWG raster, and the code on a spooled page verifies.
func TestIssuanceThroughIPP(t *testing.T) {
	p := ipptest.StartPrinter(t, ipptest.Options{})
	dev, err := ipp.New(p.URI, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, w := startWith(t, Options{Printer: dev})
	// ippeveprinter takes its time over a 300 dpi job on a busy machine.
	playWithin(t, d, w, IssuanceScript, 90*time.Second)
	var pages []*raster.PWGPage
	for _, id := range []string{"1", "2"} {
		b, err := os.ReadFile(p.JobFile(t, id))
		if err != nil {
			t.Fatal(err)
		}
		ps, err := raster.DecodePWG(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("job %s: %v", id, err)
		}
		for i := range ps {
			pages = append(pages, &ps[i])
		}
	}
	if len(pages) < 2 {
		t.Fatalf("%d spooled pages", len(pages))
	}
	v, err := document.VerifyPage(pages[0].Image, keysOf(t, d))
	if err != nil || v.Claims.Type != document.TypeJuminhyo {
		t.Fatalf("spooled page: %+v %v", v.Claims, err)
	}
}

// TestPrinterJamRefunds jams the printer on the second copy: the first copy is kept and paid
// for, the second copy's fee comes back, and the void and refund reach the center.
func TestPrinterJamRefunds(t *testing.T) {
	p := ipptest.StartPrinter(t, ipptest.Options{
		// Each job's command runs once per job: the second job reports a jam and fails.
		Command: `n=$(ls "$(dirname "$1")" | grep -c -v prn); if [ "$n" -ge 2 ]; then echo "STATE: +media-jam" >&2; exit 1; fi; cat "$1" >/dev/null`,
	})
	dev, err := ipp.New(p.URI, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, w := startWith(t, Options{Printer: dev})
	script := IssuanceScript[:strings.Index(IssuanceScript, "expect take_certificates")] + "expect outcome\n"
	play(t, d, w, script)
	deadline := time.Now().Add(15 * time.Second)
	for d.Cashbox.PaidOut != 100+200 { // change, then the unprinted copy's fee
		if time.Now().After(deadline) {
			t.Fatalf("cashbox paid out %d, want 300 (100 change + 200 refund)", d.Cashbox.PaidOut)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		st, err := d.Outbox.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Dead > 0 {
			t.Fatalf("center refused a record: %s", st.LastError)
		}
		if st.Pending == 0 && !st.LastDeliveredAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not delivered: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
