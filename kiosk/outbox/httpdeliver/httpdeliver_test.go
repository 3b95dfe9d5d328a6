package httpdeliver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/outbox/httpdeliver"
	"certkiosk/kiosk/outbox/internal/centerstub"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func rec(i int) outbox.Record {
	return outbox.Record{
		Kind:    outbox.KindRefund,
		Key:     outbox.ID(fmt.Sprintf("rfnd-%04d", i)),
		Created: t0.Add(time.Duration(i) * time.Second),
		Payload: outbox.Payload{SessionID: outbox.ID(fmt.Sprintf("sess-%04d", i)), IssuanceID: outbox.ID(fmt.Sprintf("iss-%04d", i)), PaymentID: "pay-0001", AmountYen: 300, Code: "printer_jam"},
	}
}

func fill(t *testing.T, n int) *outbox.Outbox {
	t.Helper()
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	for i := range n {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	return ob
}

func pending(t *testing.T, ob *outbox.Outbox) int {
	st, err := ob.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st.Pending
}

func TestDeliverClassifiesAnswers(t *testing.T) {
	c := centerstub.New()
	c.Delay = 500 * time.Millisecond
	c.Refuse("rfnd-0009")
	srv := httptest.NewServer(c)
	defer srv.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	cases := []struct {
		name      string
		url       string
		fault     centerstub.Fault
		key       int
		timeout   time.Duration
		wantOK    bool
		permanent bool
	}{
		{"accepted", srv.URL, centerstub.OK, 1, 0, true, false},
		{"duplicate", srv.URL, centerstub.OK, 1, 0, true, false},
		{"center down", downURL, centerstub.OK, 2, 0, false, false},
		{"503", srv.URL, centerstub.Unavailable, 2, 0, false, false},
		{"garbage 200", srv.URL, centerstub.Garbage, 2, 0, false, false},
		{"429", srv.URL, centerstub.TooMany, 2, 0, false, false},
		{"400 without reason", srv.URL, centerstub.BareRefusal, 2, 0, false, false},
		{"hang-up", srv.URL, centerstub.HangupMidway, 2, 0, false, false},
		{"slow", srv.URL, centerstub.Slow, 2, 100 * time.Millisecond, false, false},
		{"refused", srv.URL, centerstub.OK, 9, 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.url == srv.URL {
				c.Fail(tc.fault)
				if tc.fault == centerstub.HangupMidway {
					// net/http retries a request with an Idempotency-Key once on a dropped
					// reused connection: make the retry fail too.
					c.Fail(tc.fault)
				}
			}
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			err := httpdeliver.New(tc.url, nil).Deliver(ctx, rec(tc.key))
			if tc.wantOK != (err == nil) {
				t.Fatalf("Deliver err = %v, want ok=%v", err, tc.wantOK)
			}
			if got := outbox.IsPermanent(err); got != tc.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tc.permanent)
			}
			if tc.permanent {
				var re *httpdeliver.RefusedError
				if !errors.As(err, &re) || re.Code != "unknown_issuance" || re.Status != 422 {
					t.Errorf("refusal = %#v", re)
				}
			}
		})
	}
	if got := c.Posts("rfnd-0001"); got != 2 {
		t.Errorf("key 1 posted %d times, want 2", got)
	}
}

// TestRunDeliversInOrderThroughFaults: center answering 5xx, garbage, 429, hanging up, slow
// and refusing one record. Nothing is lost, order is kept, backoff doubles with jitter and the
// dead letter says why.
func TestRunDeliversInOrderThroughFaults(t *testing.T) {
	const n = 20
	ob := fill(t, n)
	c := centerstub.New()
	c.Delay = 5 * time.Second
	c.Refuse("rfnd-0007")
	faults := []centerstub.Fault{centerstub.Unavailable, centerstub.Garbage, centerstub.TooMany,
		centerstub.BareRefusal, centerstub.Slow, centerstub.Unavailable, centerstub.Unavailable}
	c.Fail(faults...)
	srv := httptest.NewServer(c)
	defer srv.Close()

	var (
		mu    sync.Mutex
		waits []time.Duration
		perm  []string
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	const minB, maxB = 10 * time.Millisecond, 200 * time.Millisecond
	go func() {
		done <- ob.Run(ctx, httpdeliver.New(srv.URL, nil), outbox.SendOptions{
			MinBackoff: minB, MaxBackoff: maxB, AttemptTimeout: 100 * time.Millisecond, Batch: 4,
			Sleep: func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
				return ctx.Err()
			},
			OnError: func(r outbox.Record, err error, permanent bool, _ time.Duration) {
				if permanent {
					mu.Lock()
					perm = append(perm, string(r.Key))
					mu.Unlock()
				}
			},
		})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for pending(t, ob) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	// A record appended while Run waits is delivered too (Append wakes the sender).
	if err := ob.Append(rec(n)); err != nil {
		t.Fatal(err)
	}
	for pending(t, ob) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}

	var got []string
	for _, r := range c.Accepted() {
		got = append(got, string(r.Key))
	}
	var want []string
	for i := 0; i <= n; i++ {
		if i != 7 {
			want = append(want, fmt.Sprintf("rfnd-%04d", i))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("center accepted\n %v\nwant\n %v", got, want)
	}
	if got := c.Accepted()[3]; string(got.Payload) != `{"issuance_id":"iss-0003","amount":300}` || !got.Created.Equal(rec(3).Created) || got.Kind != "refund" {
		t.Errorf("record 3 arrived as %+v %s", got, got.Payload)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(waits) != len(faults) {
		t.Fatalf("backoff waits = %v, want %d (one per transient fault)", waits, len(faults))
	}
	for i, w := range waits {
		full := minB << i
		if full > maxB {
			full = maxB
		}
		if w < full/2 || w > full {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, full/2, full)
		}
	}
	if strings.Join(perm, ",") != "rfnd-0007" {
		t.Errorf("permanent failures reported = %v", perm)
	}
	var dead []outbox.DeadLetter
	ob.DeadLetters(func(d outbox.DeadLetter) error { dead = append(dead, d); return nil })
	if len(dead) != 1 || dead[0].Record.Key != "rfnd-0007" || !strings.Contains(dead[0].Reason, "unknown_issuance") || dead[0].Record.Payload != rec(7).Payload {
		t.Errorf("dead letters = %+v", dead)
	}
	st, _ := ob.Stats()
	if st.Pending != 0 || st.Dead != 1 || st.LastError == "" || st.LastDeliveredAt.IsZero() {
		t.Errorf("stats = %+v", st)
	}
}

func TestBackoffIsReallyWaited(t *testing.T) {
	ob := fill(t, 1)
	c := centerstub.New()
	c.Fail(centerstub.Unavailable, centerstub.Unavailable, centerstub.Unavailable)
	srv := httptest.NewServer(c)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	go ob.Run(ctx, httpdeliver.New(srv.URL, nil), outbox.SendOptions{MinBackoff: 40 * time.Millisecond, MaxBackoff: time.Second})
	for pending(t, ob) > 0 && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	// Three failures wait at least 20+40+80 ms (the lower ends of the jitter).
	if el := time.Since(start); el < 140*time.Millisecond {
		t.Errorf("delivered after %v: backoff not honoured", el)
	}
	if c.Requests() != 4 {
		t.Errorf("center saw %d requests, want 4", c.Requests())
	}
}

func TestDrainWithCenterDownLosesNothing(t *testing.T) {
	ob := fill(t, 10)
	c := centerstub.New()
	srv := httptest.NewUnstartedServer(c)
	url := "http://" + srv.Listener.Addr().String()
	srv.Listener.Close() // down: connection refused

	res, err := ob.Drain(context.Background(), httpdeliver.New(url, nil), outbox.SendOptions{})
	if err == nil || res.Delivered != 0 || outbox.IsPermanent(err) {
		t.Fatalf("Drain to a down center = %+v, %v; want a transient error", res, err)
	}
	if p := pending(t, ob); p != 10 {
		t.Fatalf("pending after failed drain = %d, want 10", p)
	}
	st, _ := ob.Stats()
	if !strings.Contains(st.LastError, "rfnd-0000") {
		t.Errorf("last error %q does not name the record", st.LastError)
	}

	up := httptest.NewServer(c)
	defer up.Close()
	res, err = ob.Drain(context.Background(), httpdeliver.New(up.URL, nil), outbox.SendOptions{Batch: 3})
	if err != nil || res.Delivered != 10 {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	if len(c.Accepted()) != 10 || pending(t, ob) != 0 {
		t.Errorf("accepted %d, pending %d", len(c.Accepted()), pending(t, ob))
	}
}

// A crash after the center acknowledged but before the deletion was committed delivers the
// records again; the center answers "duplicate" and counts each once.
func TestRedeliveryAfterLostAckIsDuplicate(t *testing.T) {
	ob := fill(t, 5)
	c := centerstub.New()
	srv := httptest.NewServer(c)
	defer srv.Close()
	d := httpdeliver.New(srv.URL, nil)
	for i := range 3 { // acknowledged by the center, deletion never committed
		if err := d.Deliver(context.Background(), rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := ob.Drain(context.Background(), d, outbox.SendOptions{})
	if err != nil || res.Delivered != 5 {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	if len(c.Accepted()) != 5 || c.Posts("rfnd-0000") != 2 || c.Posts("rfnd-0004") != 1 {
		t.Errorf("accepted %d; posts of 0: %d, of 4: %d", len(c.Accepted()), c.Posts("rfnd-0000"), c.Posts("rfnd-0004"))
	}
}

func TestCenterPayloadMatchesCenterWire(t *testing.T) {
	p := outbox.Payload{TransactionID: "kiosk-0001-boot-3", SessionID: "sess-0001", IssuanceID: "iss_00ff",
		ReservationID: "rst_0001", CertType: "juminhyo", Code: "printer_jam", SW: "6984", Copies: 2, Printed: 1, AmountYen: 400}
	cases := []struct {
		kind outbox.Kind
		want string
	}{
		{outbox.KindCompletion, `{"issuance_id":"iss_00ff","printed":1,"paid":400}`},
		{outbox.KindVoid, `{"issuance_id":"iss_00ff","reason":"printer_jam","printed":1}`},
		{outbox.KindRefund, `{"issuance_id":"iss_00ff","amount":400}`},
		{outbox.KindPINReset, `{"reset_id":"rst_0001","ok":false,"sw":"6984"}`},
		{outbox.KindFault, `{"txn":"kiosk-0001-boot-3","session_id":"sess-0001","issuance_id":"iss_00ff","reservation_id":"rst_0001","cert_type":"juminhyo","code":"printer_jam","sw":"6984","copies":2,"printed":1,"amount_yen":400}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(httpdeliver.CenterPayload(outbox.Record{Kind: c.kind, Payload: p}))
		if err != nil || string(b) != c.want {
			t.Errorf("%s payload = %s (%v), want %s", c.kind, b, err, c.want)
		}
	}
	ok := outbox.Record{Kind: outbox.KindPINReset, Payload: outbox.Payload{ReservationID: "rst_0001", Code: "ok"}}
	if b, _ := json.Marshal(httpdeliver.CenterPayload(ok)); string(b) != `{"reset_id":"rst_0001","ok":true}` {
		t.Errorf("successful reset payload = %s", b)
	}
}

// A kind the center does not know is refused for good and kept as a dead letter.
func TestUnknownKindBecomesDeadLetter(t *testing.T) {
	ob := fill(t, 0)
	r := rec(1)
	r.Kind = outbox.KindCashReport
	r.Payload = outbox.Payload{AmountYen: 12000, Count: 60}
	if err := ob.Append(r); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(centerstub.New())
	defer srv.Close()
	res, err := ob.Drain(context.Background(), httpdeliver.New(srv.URL, nil), outbox.SendOptions{})
	if err != nil || res.Dead != 1 {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	var reason string
	ob.DeadLetters(func(d outbox.DeadLetter) error { reason = d.Reason; return nil })
	if !strings.Contains(reason, `record kind "cash_report" unknown`) {
		t.Errorf("dead letter reason %q", reason)
	}
}
