package adapters

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

// ackAll is a center that acknowledges every record.
type ackAll struct{}

func (ackAll) Deliver(context.Context, outbox.Record) error { return nil }

// The guard raises out-of-service before the outbox is full, at start when it already is, and
// clears it once the sender has made room; no record is refused on the way.
func TestOutboxGuard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	box, err := outbox.Open(path, &outbox.Options{Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	events := make(chan kiosk.Event, 16)
	g := NewOutboxGuard(box, func(e kiosk.Event) bool { events <- e; return true }, 6)
	g.Interval = time.Hour // only kicks and the first look
	o := &Outbox{Box: box, Guard: g}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go g.Run(ctx)
	next := func() kiosk.ServiceChanged {
		t.Helper()
		select {
		case e := <-events:
			return e.(kiosk.ServiceChanged)
		case <-time.After(5 * time.Second):
			t.Fatal("no event from the guard")
		}
		return kiosk.ServiceChanged{}
	}
	if e := next(); e.Flag != kiosk.FlagOutboxFull || e.On {
		t.Fatalf("first look on an empty outbox: %+v", e)
	}
	for i := 1; i <= 5; i++ {
		r := kiosk.Record{Kind: kiosk.RecordCompletion, Txn: "k1-b1-1", Key: fmt.Sprintf("k1-b1-1:completion:%d", i), IssuanceID: "iss-0001", Amount: 300}
		if err := o.Append(r); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if e := next(); !e.On {
		t.Fatalf("5 of 10 used, reserve 6: %+v, want out of service", e)
	}
	// The session under way still has its reserve: nothing it writes is refused.
	for i := 6; i <= 10; i++ {
		r := kiosk.Record{Kind: kiosk.RecordRefund, Txn: "k1-b1-2", Key: fmt.Sprintf("k1-b1-2:refund:%d", i), IssuanceID: "iss-0002", Amount: 300}
		if err := o.Append(r); err != nil {
			t.Fatalf("append %d within the reserve: %v", i, err)
		}
	}
	// The center takes everything: room again.
	if _, err := box.Drain(ctx, ackAll{}, outbox.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	g.Kick()
	if e := next(); e.On {
		t.Fatalf("after the drain: %+v, want back in service", e)
	}
	cancel()

	// A kiosk started on a full outbox is out of service before anyone can pay.
	for i := 1; i <= 5; i++ {
		if err := o.Append(kiosk.Record{Kind: kiosk.RecordVoid, Txn: "k1-b2-1", Key: fmt.Sprintf("k1-b2-1:void:%d", i), IssuanceID: "iss-0003"}); err != nil {
			t.Fatal(err)
		}
	}
	g2 := NewOutboxGuard(box, func(e kiosk.Event) bool { events <- e; return true }, 6)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go g2.Run(ctx2)
	if e := next(); !e.On {
		t.Fatalf("start on a nearly full outbox: %+v", e)
	}
}
