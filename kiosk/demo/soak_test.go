package demo

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/hw/printer"
	"certkiosk/internal/testenv"
	"certkiosk/kiosk"
)

// countingPrinter takes jobs without writing them: the soak measures the kiosk, not PNG encoding.
type countingPrinter struct {
	mu    sync.Mutex
	jobs  int
	pages int
}

func (p *countingPrinter) Print(ctx context.Context, j printer.Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs++
	p.pages += len(j.Pages)
	return fmt.Sprint(p.jobs), nil
}

func (p *countingPrinter) Status(context.Context) (printer.Status, error) {
	return printer.Status{State: printer.StateIdle}, nil
}

// session is one soak session's script and what it must leave behind.
type session struct {
	kind   string
	script string
	copies int // printed copies expected
	fee    int // yen earned
}

const feePerCopy = 200 // 住民票の写し at みどり野市 (990001), the demo resident's municipality

func login(b *strings.Builder, lang string, wrongFirst bool) {
	fmt.Fprintf(b, "expect idle\ntap start\nexpect choose_language\ntap language %s\ntap agree\ntap service certificates\n", lang)
	b.WriteString("expect place_card\ncard place\nexpect enter_pin\n")
	if wrongFirst {
		b.WriteString("pin 9999\nwait 300ms\nexpect enter_pin\n")
	}
	b.WriteString("pin 1234\nexpect take_card_back\ncard remove\nexpect menu\n")
}

// randomSession draws a session: most issue certificates, some cancel, pull the card, or give
// up at the cashbox.
func randomSession(rng *rand.Rand) session {
	var b strings.Builder
	lang := []string{"ja", "en", "zh", "ko", "vi", "pt"}[rng.Intn(6)]
	switch r := rng.Intn(100); {
	case r < 10: // card pulled while typing the PIN
		fmt.Fprintf(&b, "expect idle\ntap start\nexpect choose_language\ntap language %s\ntap agree\ntap service certificates\n", lang)
		b.WriteString("expect place_card\ncard place\nexpect enter_pin\nkey 12\ncard remove\nexpect outcome\ntap done\nexpect idle\n")
		return session{kind: "pulled", script: b.String()}
	case r < 20: // done at the menu: the session ends
		login(&b, lang, false)
		b.WriteString("tap cancel\nexpect idle\n")
		return session{kind: "cancel", script: b.String()}
	case r < 30: // a coin in, then cancel: the coin comes back
		login(&b, lang, false)
		b.WriteString("tap issue\ntap type juminhyo\nexpect choose_options\ntap next\nexpect choose_members\ntap next\n")
		b.WriteString("expect choose_copies\ntap next\nexpect confirm\ntap confirm\nexpect pay\ncoin 100\ntap cancel\nexpect outcome\ntap done\nexpect idle\n")
		return session{kind: "refund", script: b.String()}
	default:
		copies := 1 + rng.Intn(3)
		login(&b, lang, r < 45)
		b.WriteString("tap issue\ntap type juminhyo\nexpect choose_options\n")
		if rng.Intn(2) == 0 {
			b.WriteString("tap option household_head\n")
		}
		b.WriteString("tap next\nexpect choose_members\n")
		if rng.Intn(2) == 0 {
			b.WriteString("tap member m2\n")
		}
		b.WriteString("tap next\nexpect choose_copies\n")
		for i := 1; i < copies; i++ {
			b.WriteString("tap more\n")
		}
		b.WriteString("tap next\nexpect confirm\ntap confirm\nexpect pay\n")
		if rng.Intn(3) == 0 {
			b.WriteString("coin 1000\n")
		} else {
			for paid := 0; paid < copies*feePerCopy; paid += 500 {
				b.WriteString("coin 500\n")
			}
		}
		b.WriteString("expect take_certificates\ntap done\nexpect receipt\n")
		if rng.Intn(2) == 0 {
			b.WriteString("tap receipt\n")
		} else {
			b.WriteString("tap no_receipt\n")
		}
		b.WriteString("expect idle\n")
		return session{kind: "issue", script: b.String(), copies: copies, fee: copies * feePerCopy}
	}
}

// TestSoakAgainstCenter runs random sessions on the real parts against the embedded reference
// center: every session returns to idle, the money balances at every idle, every copy paid for
// is printed and every other yen is paid back, and every outbox record reaches the center.
// Default: a few sessions; KIOSK_LONG=1: 10,000.
func TestSoakAgainstCenter(t *testing.T) {
	n := 12
	if testenv.Long() {
		n = 10000
	}
	if v := os.Getenv("KIOSK_SOAK_SESSIONS"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatalf("KIOSK_SOAK_SESSIONS: %v", err)
		}
	}
	pr := &countingPrinter{}
	w := &kiosk.Watcher{}
	d, err := New(Options{Dir: t.TempDir(), Display: w, Printer: pr, DPI: 150})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var mu sync.Mutex
	var violations []string
	d.Runner.Observe(func(e kiosk.Event, s kiosk.State, _ []kiosk.Effect) {
		if s.Screen != kiosk.Idle {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if h := s.Ledger.Held(); h != 0 || s.Ledger.Pending != 0 || s.Ledger.Owed != 0 {
			violations = append(violations, fmt.Sprintf("idle with money held: %+v", s.Ledger))
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()

	rng := rand.New(rand.NewSource(20261122))
	start := time.Now()
	var want session
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		s := randomSession(rng)
		kinds[s.kind]++
		steps, err := kiosk.ParseScript(strings.NewReader(s.script))
		if err != nil {
			t.Fatal(err)
		}
		pctx, pcancel := context.WithTimeout(ctx, 60*time.Second)
		err = d.Play(pctx, w, steps, 20*time.Second)
		pcancel()
		if err != nil {
			t.Fatalf("session %d (%s): %v\n%s", i, s.kind, err, s.script)
		}
		want.copies += s.copies
		want.fee += s.fee
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	if len(violations) > 0 {
		t.Fatalf("%d invariant violations, first: %s", len(violations), violations[0])
	}
	if pr.jobs != want.copies {
		t.Errorf("printed %d copies, %d were paid for", pr.jobs, want.copies)
	}
	if kept := d.Cashbox.Taken - d.Cashbox.PaidOut; kept != want.fee {
		t.Errorf("cashbox kept %d yen (took %d, paid out %d), fees earned %d", kept, d.Cashbox.Taken, d.Cashbox.PaidOut, want.fee)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := d.Outbox.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Dead > 0 {
			t.Fatalf("%d outbox records refused by the center: %s", st.Dead, st.LastError)
		}
		if st.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not delivered: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := d.Outbox.Journal().Verify(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sessions %v in %v (%.1f ms/session): %d copies printed (%d pages), %d yen earned, %d yen paid back",
		n, kinds, elapsed.Round(time.Millisecond), float64(elapsed.Milliseconds())/float64(n), pr.jobs, pr.pages,
		want.fee, d.Cashbox.PaidOut)
}
