package coin

import (
	"testing"
	"time"
)

// FuzzDecoder feeds arbitrary timed line changes: every finished train is either a coin from
// the table with its pulse count, or a rejection with no money.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte{50, 50, 50, 50, 50, 50, 255})
	f.Add([]byte{3, 200, 1, 1, 255})
	f.Fuzz(func(t *testing.T, gaps []byte) {
		o := DefaultOpts
		o.Table = Table{1: 10, 2: 50, 3: 100, 4: 500}
		now := time.Unix(1_700_000_000, 0)
		d := decoder{o: o, since: now}
		active := false
		check := func(e Event) {
			if e.Rejected != 0 {
				if e.Yen != 0 {
					t.Fatalf("rejected train carries %d yen", e.Yen)
				}
				return
			}
			if yen, ok := o.Table[e.Pulses]; !ok || yen != e.Yen {
				t.Fatalf("accepted %+v not in the table", e)
			}
		}
		for _, g := range gaps {
			now = now.Add(time.Duration(g) * 2 * time.Millisecond)
			if e, ok := d.tick(now); ok {
				check(e)
			}
			active = !active
			d.change(active, now)
		}
		if e, ok := d.tick(now.Add(10 * time.Second)); ok {
			check(e)
		}
	})
}
