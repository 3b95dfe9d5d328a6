package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type permanent struct{ error }

func (permanent) Permanent() bool { return true }

// batchStub records what each DeliverBatch call carried and answers as told.
type batchStub struct {
	mu      sync.Mutex
	calls   [][]ID
	refuse  map[ID]bool
	failAll bool
}

func (b *batchStub) Deliver(ctx context.Context, r Record) error {
	errs, err := b.DeliverBatch(ctx, []Record{r})
	if err != nil {
		return err
	}
	return errs[0]
}

func (b *batchStub) DeliverBatch(_ context.Context, rs []Record) ([]error, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var keys []ID
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	b.calls = append(b.calls, keys)
	if b.failAll {
		return nil, errors.New("center down")
	}
	errs := make([]error, len(rs))
	for i, r := range rs {
		if b.refuse[r.Key] {
			errs[i] = permanent{fmt.Errorf("refused %s", r.Key)}
		}
	}
	return errs, nil
}

func TestBatchDeliveryKeepsPerIssuanceOrder(t *testing.T) {
	ob, err := Open(filepath.Join(t.TempDir(), "o.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	add := func(kind Kind, key, iss string) {
		t.Helper()
		if err := ob.Append(Record{Kind: kind, Key: ID(key), Created: time.Now(),
			Payload: Payload{TransactionID: "txn-0001", IssuanceID: ID(iss), AmountYen: 200}}); err != nil {
			t.Fatal(err)
		}
	}
	add(KindCompletion, "k-0001", "iss-0001")
	add(KindVoid, "k-0002", "iss-0002")
	add(KindRefund, "k-0003", "iss-0002") // must follow its void in a later call
	add(KindCompletion, "k-0004", "iss-0004")
	stub := &batchStub{refuse: map[ID]bool{"k-0004": true}}
	res, err := ob.Drain(context.Background(), stub, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered != 3 || res.Dead != 1 {
		t.Fatalf("drain %+v", res)
	}
	if len(stub.calls) != 2 || fmt.Sprint(stub.calls[0]) != "[k-0001 k-0002]" || fmt.Sprint(stub.calls[1]) != "[k-0003 k-0004]" {
		t.Fatalf("calls %v: the refund went with its void, or order changed", stub.calls)
	}
}

func TestBatchCallFailureKeepsEverything(t *testing.T) {
	ob, err := Open(filepath.Join(t.TempDir(), "o.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	for i := 1; i <= 3; i++ {
		if err := ob.Append(Record{Kind: KindFault, Key: ID(fmt.Sprintf("f-%04d", i)), Created: time.Now(),
			Payload: Payload{Component: "printer", Code: "media_jam"}}); err != nil {
			t.Fatal(err)
		}
	}
	stub := &batchStub{failAll: true}
	if _, err := ob.Drain(context.Background(), stub, SendOptions{}); err == nil {
		t.Fatal("drain to a center that is down succeeded")
	}
	st, _ := ob.Stats()
	if st.Pending != 3 || st.Dead != 0 {
		t.Fatalf("after a failed batch: %+v", st)
	}
	stub.failAll = false
	if res, err := ob.Drain(context.Background(), stub, SendOptions{}); err != nil || res.Delivered != 3 {
		t.Fatalf("retry: %+v %v", res, err)
	}
}

// A sender backing off for an hour after a failure tries again at once when nudged: the
// technician's "send now" once the link is back.
func TestNudgeCutsTheBackoffShort(t *testing.T) {
	ob, err := Open(filepath.Join(t.TempDir(), "o.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	if err := ob.Append(Record{Kind: KindFault, Key: "fault-0001", Created: time.Now(),
		Payload: Payload{Component: "printer", Code: "media_jam"}}); err != nil {
		t.Fatal(err)
	}
	stub := &batchStub{failAll: true}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := make(chan struct{}, 8)
	done := make(chan error, 1)
	go func() {
		done <- ob.Run(ctx, stub, SendOptions{MinBackoff: time.Hour, MaxBackoff: time.Hour,
			OnError: func(Record, error, bool, time.Duration) { failed <- struct{}{} }})
	}()
	<-failed // the first attempt failed; the sender now waits an hour
	stub.mu.Lock()
	stub.failAll = false
	stub.mu.Unlock()
	ob.Nudge()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := ob.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nudged sender did not deliver: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
}
