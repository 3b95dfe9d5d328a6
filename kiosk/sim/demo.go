package sim

import (
	"context"
	_ "embed" // the demo script
	"fmt"
	"strings"
	"time"

	"certkiosk/kiosk"
)

// DemoScript is the scripted issuance `kiosk -demo -headless` walks.
//
//go:embed demo-issuance.script
var DemoScript string

// PlaceCard, RemoveCard and Insert make a Kit the kiosk.Devices of a script.
func (k *Kit) PlaceCard() { k.Card.Place() }

// RemoveCard implements kiosk.Devices.
func (k *Kit) RemoveCard() { k.Card.Remove() }

// Insert implements kiosk.Devices.
func (k *Kit) Insert(yen int) kiosk.MoneyIn { return k.Cashbox.Insert(yen) }

// DemoResult is what a demo run leaves behind.
type DemoResult struct {
	Dir     string // where the printed pages are (one JSON file per copy)
	Printed int
	Records []kiosk.Record
	Slips   []kiosk.Slip
	Ledger  kiosk.Totals
}

// Demo runs script (DemoScript when empty) against a kit whose file printer writes into dir, on
// a fake clock so waits take no time.
func Demo(ctx context.Context, dir, script string) (DemoResult, error) {
	if script == "" {
		script = DemoScript
	}
	steps, err := kiosk.ParseScript(strings.NewReader(script))
	if err != nil {
		return DemoResult{}, err
	}
	k, err := NewKit(time.Now())
	if err != nil {
		return DemoResult{}, err
	}
	k.Printer.Dir = dir
	w := &kiosk.Watcher{Next: k.Screen}
	p := k.Ports()
	p.Display = w
	r, err := kiosk.NewRunner(kiosk.DefaultConfig(), p)
	if err != nil {
		return DemoResult{}, err
	}
	var totals kiosk.Totals
	r.Observe(func(_ kiosk.Event, s kiosk.State, _ []kiosk.Effect) { totals = s.Totals })
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	perr := kiosk.Play(ctx, r, w, steps, k, k.Clock, 10*time.Second)
	cancel()
	<-done
	res := DemoResult{Dir: dir, Printed: len(k.Printer.Docs()), Records: k.Outbox.All(), Slips: k.Slips.All(), Ledger: totals}
	if perr != nil {
		return res, fmt.Errorf("demo: %w", perr)
	}
	return res, nil
}
