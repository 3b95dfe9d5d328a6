package adapters

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/outbox"
)

func TestCenterErrors(t *testing.T) {
	var re *kiosk.RefusalError
	if err := centerErr(&center.RefusalError{Code: "under_15"}); !errors.As(err, &re) || re.Code != "under_15" {
		t.Fatalf("refusal: %v", err)
	}
	for in, want := range map[error]error{
		center.ErrTimeout:                      kiosk.ErrCenterTimeout,
		context.DeadlineExceeded:               kiosk.ErrCenterTimeout,
		center.ErrBadResponse:                  kiosk.ErrCenterGarbage,
		center.ErrUnavailable:                  kiosk.ErrCenterDown,
		fmt.Errorf("dial: connection refused"): kiosk.ErrCenterDown,
	} {
		if got := centerErr(in); !errors.Is(got, want) {
			t.Errorf("centerErr(%v) = %v, want %v", in, got, want)
		}
	}
}

// TestCenterRefusals logs in residents the center refuses and checks the machine gets the
// precise code through the adapters.
func TestCenterRefusals(t *testing.T) {
	c := centertest.Start(t)
	cl, _ := c.Client(t, "kiosk-adapters")
	ctr := &Center{Client: cl}
	ctx := context.Background()
	for _, tc := range []struct{ resident, code string }{{"r101", ""}, {"r103", "under_15"}} {
		p := c.Card(t, tc.resident)
		_, card := newAdapterFromProfile(t, p)
		info, err := card.Read(ctx, kiosk.UserAuthPIN)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := card.Verify(ctx, kiosk.UserAuthPIN, []byte(p.AuthPIN)); err != nil || !r.OK {
			t.Fatalf("verify: %+v %v", r, err)
		}
		ch, err := ctr.Challenge(ctx, center.PurposeIssue)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := card.Sign(ctx, kiosk.UserAuthPIN, ch)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ctr.Login(ctx, ch.ID, info.AuthCert.DER, sig)
		var re *kiosk.RefusalError
		switch {
		case tc.code == "" && err != nil:
			t.Fatalf("%s: %v", tc.resident, err)
		case tc.code == "" && (s.ID == "" || len(s.Catalog) == 0 || len(s.Members) == 0):
			t.Fatalf("%s: session %+v", tc.resident, s)
		case tc.code != "" && (!errors.As(err, &re) || re.Code != tc.code):
			t.Fatalf("%s: %v, want refusal %s", tc.resident, err, tc.code)
		}
	}
}

// TestDeliverEveryRecordKind hands every record kind the machine writes to the reference
// center through the outbox: none may end as a dead letter.
func TestDeliverEveryRecordKind(t *testing.T) {
	c := centertest.Start(t)
	cl, _ := c.Client(t, "kiosk-deliver")
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	o := &Outbox{Box: box}
	txn := "kiosk-deliver-b1-1"
	for i, r := range []kiosk.Record{
		{Kind: kiosk.RecordRefundOwed, Txn: txn, IssuanceID: "iss-0001", Amount: 300, Reason: "payout_failed"},
		{Kind: kiosk.RecordBindingMismatch, Txn: txn, IssuanceID: "iss-0001", Reason: "binding_mismatch"},
	} {
		r.Key = fmt.Sprintf("%s:%s:%d", txn, r.Kind, i)
		if err := o.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	res, err := box.Drain(context.Background(), Deliverer{Client: cl}, outbox.SendOptions{AttemptTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("drain: %v (%+v)", err, res)
	}
	st, _ := box.Stats()
	if st.Pending != 0 || st.Dead != 0 {
		box.DeadLetters(func(d outbox.DeadLetter) error { t.Logf("dead: %s %s", d.Record.Kind, d.Reason); return nil })
		t.Fatalf("after drain: %+v", st)
	}
}

// BenchmarkDrainToCenter measures the outbox's delivery rate to a loopback reference center
// over mutual TLS (fault records: stored by the center, no state change). The center fsyncs
// each record when sync is set, as centerd does.
func BenchmarkDrainToCenter(b *testing.B) {
	for _, sync := range []bool{false, true} {
		b.Run(fmt.Sprintf("center-fsync=%v", sync), func(b *testing.B) {
			c := centertest.StartWith(b, centertest.Options{Sync: sync})
			cl, _ := c.Client(b, "kiosk-bench")
			box, err := outbox.Open(filepath.Join(b.TempDir(), "outbox.db"), &outbox.Options{Capacity: b.N + 10})
			if err != nil {
				b.Fatal(err)
			}
			defer box.Close()
			for i := 0; i < b.N; i++ {
				r := outbox.Record{Kind: outbox.KindFault, Key: outbox.ID(fmt.Sprintf("bench-%d-%d", sync2int(sync), i)),
					Created: time.Now(), Payload: outbox.Payload{Component: "printer", Code: "media_jam", Count: i}}
				if err := box.Append(r); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			start := time.Now()
			res, err := box.Drain(context.Background(), Deliverer{Client: cl}, outbox.SendOptions{})
			if err != nil {
				b.Fatalf("drain: %v (%+v)", err, res)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
		})
	}
}

func sync2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestBatchEndpoint sends records to the reference center in one batch: accepted ones are
// acknowledged, a refused one is refused alone, a repeat is a duplicate, and a reused key with
// another payload is a conflict.
func TestBatchEndpoint(t *testing.T) {
	c := centertest.Start(t)
	cl, _ := c.Client(t, "kiosk-batch")
	d := Deliverer{Client: cl}
	fault := func(key string, n int) outbox.Record {
		return outbox.Record{Kind: outbox.KindFault, Key: outbox.ID(key), Created: time.Now(),
			Payload: outbox.Payload{Component: "printer", Code: "media_jam", Count: n}}
	}
	unknown := outbox.Record{Kind: outbox.KindCompletion, Key: "done-0001", Created: time.Now(),
		Payload: outbox.Payload{IssuanceID: "iss-0000-none", Printed: 1, AmountYen: 200}}
	errs, err := d.DeliverBatch(context.Background(), []outbox.Record{fault("f-0001", 1), unknown, fault("f-0002", 2)})
	if err != nil {
		t.Fatal(err)
	}
	var re *center.RefusalError
	if errs[0] != nil || errs[2] != nil || !errors.As(errs[1], &re) || re.Code != center.CodeIssuanceNotFound || !re.Permanent() {
		t.Fatalf("batch answers %v", errs)
	}
	errs, err = d.DeliverBatch(context.Background(), []outbox.Record{fault("f-0001", 1), fault("f-0002", 3)})
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || !errors.As(errs[1], &re) || re.Code != center.CodeIdempotencyConflict {
		t.Fatalf("repeat and conflict: %v", errs)
	}
	// The same key alone through POST /v1/records is a duplicate too: one key space.
	if err := d.Deliver(context.Background(), fault("f-0001", 1)); err != nil {
		t.Fatalf("single delivery of a batched record: %v", err)
	}
}
