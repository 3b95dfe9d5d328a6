package center_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"certkiosk/internal/testenv"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/document"
)

// okResidents can log in and have a 住民票 issued.
var okResidents = []string{"r101", "r102", "r104", "r105", "r106", "r108", "r201", "r202", "r203"}

// loadStats collects issuance latencies.
type loadStats struct {
	mu        sync.Mutex
	latencies []time.Duration
	ids       map[string]string // issuance id → session id
	dups      int
	timeouts  int
	retries   int
}

func (s *loadStats) add(d time.Duration) {
	s.mu.Lock()
	s.latencies = append(s.latencies, d)
	s.mu.Unlock()
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	c := slices.Clone(ds)
	slices.Sort(c)
	i := int(float64(len(c)-1) * p)
	return c[i]
}

// TestLoadManyKiosks runs ≥ 500 concurrent simulated kiosks through the real TLS client against
// one center: full sessions with random delays, client timeouts and retries with the same key,
// and duplicate requests sent within a millisecond. Every envelope must be bound to the session
// that asked for it and name its resident; duplicates must get byte-identical answers.
func TestLoadManyKiosks(t *testing.T) {
	kiosks, sessions := 500, 2
	if testenv.Long() {
		sessions = 20
	}
	if testing.Short() {
		kiosks, sessions = 50, 1
	}
	c := centertest.Start(t)
	cards := map[string]card{}
	for _, id := range okResidents {
		cards[id] = loadCard(t, c, id)
	}
	ks := make([]*kiosk, kiosks)
	for i := range ks {
		ks[i] = newKiosk(t, c, fmt.Sprintf("load-%03d", i))
		// The test injects its own short timeouts; the default one would fire on a loaded machine
		// (or under -race) and turn a slow answer into a failure this test is not about.
		ks[i].cl.SetTimeout(3 * time.Minute)
	}
	st := &loadStats{ids: map[string]string{}}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, kiosks)
	for i, k := range ks {
		wg.Add(1)
		go func(i int, k *kiosk) {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(i), 7))
			for n := 0; n < sessions; n++ {
				if err := runSession(k, cards, okResidents[rng.IntN(len(okResidents))], rng, st); err != nil {
					errs <- fmt.Errorf("kiosk %d session %d: %w", i, n, err)
					return
				}
			}
		}(i, k)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	el := time.Since(start)
	t.Logf("%d kiosks × %d sessions: %d issuances in %v (%.0f/s); issuance latency p50 %v p99 %v; %d duplicate pairs, %d client timeouts retried, %d transport retries",
		kiosks, sessions, len(st.latencies), el.Round(time.Millisecond), float64(len(st.latencies))/el.Seconds(),
		percentile(st.latencies, 0.5).Round(time.Microsecond), percentile(st.latencies, 0.99).Round(time.Microsecond), st.dups, st.timeouts, st.retries)
	if len(st.ids) != kiosks*sessions {
		t.Fatalf("%d distinct issuances, want %d", len(st.ids), kiosks*sessions)
	}
}

// retry repeats call (which reuses its idempotency key) while the service is unreachable or slow,
// as a kiosk does: on a loaded machine 500 simultaneous handshakes can time out.
func retry(st *loadStats, call func() error) error {
	var err error
	for i := 0; i < 8; i++ {
		err = call()
		if !errors.Is(err, center.ErrTimeout) && !errors.Is(err, center.ErrUnavailable) {
			return err
		}
		st.mu.Lock()
		st.retries++
		st.mu.Unlock()
		time.Sleep(time.Duration(100*(i+1)) * time.Millisecond)
	}
	return err
}

// runSession is one resident's visit: challenge, login, issue (maybe duplicated or timed out and
// retried), check every envelope against this session, complete (delivered twice).
func runSession(k *kiosk, cards map[string]card, resident string, rng *mrand.Rand, st *loadStats) error {
	ctx := context.Background()
	cd := cards[resident]
	time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
	var ch center.Challenge
	chKey := center.NewKey()
	err := retry(st, func() (err error) { ch, err = k.cl.Challenge(ctx, chKey, center.PurposeIssue); return err })
	if err != nil {
		return fmt.Errorf("challenge: %w", err)
	}
	lreq := center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert, Signature: sign(k.t, cd.authKey, ch.Nonce, k.cr.KioskID)}
	var s center.Session
	lKey := center.NewKey()
	err = retry(st, func() (err error) { s, err = k.cl.Login(ctx, lKey, lreq); return err })
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	var self string
	for _, m := range s.Members {
		if m.Self {
			self = m.Name
		}
	}
	time.Sleep(time.Duration(rng.IntN(10)) * time.Millisecond)
	req := center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Options: []string{document.OptHouseholdHead},
		Copies: 1 + rng.IntN(2)}
	key := center.NewKey()
	var iss center.Issuance
	switch mode := rng.IntN(5); mode {
	case 0: // duplicates within a millisecond
		var a, b center.Issuance
		var ea, eb error
		var wg sync.WaitGroup
		wg.Add(2)
		t0 := time.Now()
		go func() {
			defer wg.Done()
			ea = retry(st, func() (err error) { a, err = k.cl.Issue(ctx, key, req); return err })
		}()
		go func() {
			defer wg.Done()
			eb = retry(st, func() (err error) { b, err = k.cl.Issue(ctx, key, req); return err })
		}()
		wg.Wait()
		st.add(time.Since(t0))
		if ea != nil || eb != nil {
			return fmt.Errorf("duplicate issue: %v / %v", ea, eb)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			return errors.New("duplicates got different answers")
		}
		st.mu.Lock()
		st.dups++
		st.mu.Unlock()
		iss = a
	case 1: // an impatient first try, then a retry with the same key
		tctx, cancel := context.WithTimeout(ctx, time.Duration(rng.IntN(3))*time.Millisecond)
		first, ferr := k.cl.Issue(tctx, key, req)
		cancel()
		t0 := time.Now()
		err = retry(st, func() (err error) { iss, err = k.cl.Issue(ctx, key, req); return err })
		st.add(time.Since(t0))
		if err != nil {
			return fmt.Errorf("retry after timeout: %w", err)
		}
		switch {
		case ferr == nil:
			if first.IssuanceID != iss.IssuanceID {
				return errors.New("retry with the same key got another issuance")
			}
		case errors.Is(ferr, center.ErrTimeout) || errors.Is(ferr, center.ErrUnavailable) ||
			errors.Is(ferr, context.DeadlineExceeded) || errors.Is(ferr, context.Canceled):
			st.mu.Lock()
			st.timeouts++
			st.mu.Unlock()
		default:
			return fmt.Errorf("impatient try: %w", ferr)
		}
	default:
		t0 := time.Now()
		err = retry(st, func() (err error) { iss, err = k.cl.Issue(ctx, key, req); return err })
		st.add(time.Since(t0))
		if err != nil {
			return fmt.Errorf("issue: %w", err)
		}
	}
	if len(iss.Envelopes) != req.Copies {
		return fmt.Errorf("%d envelopes for %d copies", len(iss.Envelopes), req.Copies)
	}
	certSum := sha256.Sum256(cd.p.AuthCert)
	for _, env := range iss.Envelopes {
		content, err := env.Open(k.cr.DocumentKeys)
		if err != nil {
			return err
		}
		if err := content.CheckBinding(s.SessionID, ch.Nonce, certSum[:]); err != nil {
			return err
		}
		if content.IssuanceID != iss.IssuanceID || fieldsOf(content.Persons[0])[document.FieldName] != self {
			return fmt.Errorf("envelope of issuance %s names %q, session is %q's", content.IssuanceID,
				fieldsOf(content.Persons[0])[document.FieldName], self)
		}
	}
	st.mu.Lock()
	if prev, ok := st.ids[iss.IssuanceID]; ok {
		st.mu.Unlock()
		return fmt.Errorf("issuance id %s issued to sessions %s and %s", iss.IssuanceID, prev, s.SessionID)
	}
	st.ids[iss.IssuanceID] = s.SessionID
	st.mu.Unlock()
	ck := center.NewKey()
	rec := center.CompletionRecord{IssuanceID: iss.IssuanceID, Printed: req.Copies, Paid: iss.TotalFee}
	if err := retry(st, func() error { return k.cl.Complete(ctx, ck, rec) }); err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	if err := retry(st, func() error { return k.cl.DeliverRecord(ctx, center.RecordCompletion, ck, time.Now(), rec) }); err != nil {
		return fmt.Errorf("completion via outbox: %w", err)
	}
	return nil
}

// BenchmarkIssue measures issuance over mutual TLS with many kiosks at once: latency p50/p99 and
// throughput (issuances/s).
func BenchmarkIssue(b *testing.B) { benchmarkIssue(b, centertest.Options{}) }

// BenchmarkIssueDurable is BenchmarkIssue with an fsync per commit, as centerd runs.
func BenchmarkIssueDurable(b *testing.B) { benchmarkIssue(b, centertest.Options{Sync: true}) }

// BenchmarkLogin measures challenge + login (signature and chain checks, catalog) over mutual
// TLS; the card's signature is made outside the timer.
func BenchmarkLogin(b *testing.B) {
	c := centertest.Start(b)
	cd := loadCard(b, c, "r101")
	k := newKiosk(b, c, "bench-login")
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ch, err := k.cl.Challenge(ctx, center.NewKey(), center.PurposeIssue)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		sig := sign(b, cd.authKey, ch.Nonce, k.cr.KioskID)
		d := time.Since(t0)
		b.StartTimer()
		t1 := time.Now()
		if _, err := k.cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: cd.p.AuthCert, Signature: sig}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, d+time.Since(t1))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

func benchmarkIssue(b *testing.B, o centertest.Options) {
	c := centertest.StartWith(b, o)
	cd := loadCard(b, c, "r101")
	var mu sync.Mutex
	var lat []time.Duration
	var n int
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		n++
		id := fmt.Sprintf("bench-%03d", n)
		mu.Unlock()
		k := newKiosk(b, c, id)
		s, _ := k.mustLogin(cd, center.PurposeIssue)
		var local []time.Duration
		for pb.Next() {
			t0 := time.Now()
			_, err := k.cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID,
				Type: document.TypeJuminhyo, Copies: 1})
			local = append(local, time.Since(t0))
			if err != nil {
				b.Error(err)
				return
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	el := time.Since(start)
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(lat))/el.Seconds(), "issuances/s")
}
