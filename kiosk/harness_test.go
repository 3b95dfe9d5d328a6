package kiosk_test

import (
	"context"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))

// harness runs a real Runner against the simulated ports on a fake clock.
type harness struct {
	t      *testing.T
	k      *sim.Kit
	r      *kiosk.Runner
	cfg    kiosk.Config
	mu     sync.Mutex
	states []kiosk.State
	events []kiosk.Event
	seen   int
	signal chan struct{}
	stop   context.CancelFunc
	done   chan error
	kind   string // what the test is doing, for failure messages
}

func newHarness(t *testing.T, setup func(k *sim.Kit)) *harness {
	t.Helper()
	k, err := sim.NewKit(t0)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(k)
	}
	h := &harness{t: t, k: k, cfg: kiosk.DefaultConfig(), signal: make(chan struct{}, 1), done: make(chan error, 1)}
	h.r, err = kiosk.NewRunner(h.cfg, k.Ports())
	if err != nil {
		t.Fatal(err)
	}
	h.r.Observe(func(e kiosk.Event, s kiosk.State, _ []kiosk.Effect) {
		h.mu.Lock()
		h.states = append(h.states, s)
		h.events = append(h.events, e)
		h.mu.Unlock()
		select {
		case h.signal <- struct{}{}:
		default:
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() { h.done <- h.r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-h.done
	})
	return h
}

func (h *harness) send(es ...kiosk.Event) {
	for _, e := range es {
		h.r.Send(e)
	}
}

func (h *harness) tap(b kiosk.Button, arg ...string) {
	a := ""
	if len(arg) > 0 {
		a = arg[0]
	}
	h.send(kiosk.Tap{Button: b, Arg: a})
}

func (h *harness) keys(s string) {
	for _, c := range s {
		h.send(kiosk.Key{Key: c})
	}
}

// wait returns the first state after the last one seen that is on screen sc.
func (h *harness) wait(sc kiosk.Screen) kiosk.State {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		h.mu.Lock()
		for h.seen < len(h.states) {
			s := h.states[h.seen]
			h.seen++
			if s.Screen == sc {
				h.mu.Unlock()
				return s
			}
		}
		last := ""
		if len(h.states) > 0 {
			l := h.states[len(h.states)-1]
			last = l.Screen.String() + " " + l.Outcome.Key + " " + l.Message
		}
		h.mu.Unlock()
		select {
		case <-h.signal:
		case <-deadline:
			h.t.Fatalf("%sno %s screen within 5s; last screen %s", h.kind, sc, last)
		}
	}
}

// barrier is a timer event that is never current: the machine drops it, and the Runner
// observes it after every event sent before it.
var barrier = kiosk.TimerFired{Gen: math.MaxUint64}

// settle returns the state once every event sent so far has been processed. Answers of ports
// still in flight may come later: wait for a screen to wait for those.
func (h *harness) settle() kiosk.State {
	h.t.Helper()
	h.mu.Lock()
	from := len(h.events)
	h.mu.Unlock()
	h.send(barrier)
	deadline := time.After(5 * time.Second)
	for {
		h.mu.Lock()
		for i := from; i < len(h.events); i++ {
			if h.events[i] == kiosk.Event(barrier) {
				s := h.states[i]
				h.seen = i + 1
				h.mu.Unlock()
				return s
			}
		}
		h.mu.Unlock()
		select {
		case <-h.signal:
		case <-deadline:
			h.t.Fatalf("%sthe machine did not take an event within 5s", h.kind)
		}
	}
}

// current returns the last state if it is on screen sc, or waits for sc.
func (h *harness) current(sc kiosk.Screen) kiosk.State {
	h.t.Helper()
	h.mu.Lock()
	if n := len(h.states); n > 0 && h.states[n-1].Screen == sc {
		s := h.states[n-1]
		h.seen = n
		h.mu.Unlock()
		return s
	}
	h.mu.Unlock()
	return h.wait(sc)
}

func (h *harness) screens() []kiosk.Screen {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []kiosk.Screen
	for _, s := range h.states {
		if len(out) == 0 || out[len(out)-1] != s.Screen {
			out = append(out, s.Screen)
		}
	}
	return out
}

// login walks from the attract screen to the menu for the certificate service.
func (h *harness) login() kiosk.State {
	h.t.Helper()
	h.tap(kiosk.BtnStart)
	h.wait(kiosk.ChooseLanguage)
	h.tap(kiosk.BtnLanguage, "ja")
	h.tap(kiosk.BtnAgree)
	h.tap(kiosk.BtnService, kiosk.ServiceCertificates.String())
	h.wait(kiosk.PlaceCard)
	h.k.Card.Place()
	h.send(kiosk.CardPlaced{})
	h.wait(kiosk.EnterPIN)
	h.keys(sim.DemoAuthPIN + "\n")
	h.wait(kiosk.TakeCardBack)
	h.k.Card.Remove()
	h.send(kiosk.CardRemoved{})
	return h.wait(kiosk.Menu)
}

// noPersonalData fails when anything in v (walked by reflection) holds one of the needles.
func noPersonalData(t testing.TB, what string, v any, needles ...string) {
	t.Helper()
	var walk func(path string, x reflect.Value)
	walk = func(path string, x reflect.Value) {
		switch x.Kind() {
		case reflect.String:
			for _, n := range needles {
				if strings.Contains(x.String(), n) {
					t.Errorf("%s: %s holds personal data %q", what, path, n)
				}
			}
		case reflect.Slice, reflect.Array:
			if x.Type().Elem().Kind() == reflect.Uint8 {
				b := make([]byte, x.Len())
				for i := range b {
					b[i] = byte(x.Index(i).Uint())
				}
				for _, n := range needles {
					if len(n) > 0 && strings.Contains(string(b), n) {
						t.Errorf("%s: %s holds personal data %q", what, path, n)
					}
				}
				return
			}
			for i := 0; i < x.Len(); i++ {
				walk(path+"[]", x.Index(i))
			}
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(path, x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(path+"."+x.Type().Field(i).Name, x.Field(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				walk(path+"[k]", k)
				walk(path+"[v]", x.MapIndex(k))
			}
		}
	}
	walk(what, reflect.ValueOf(v))
}

var personal = []string{sim.DemoName, sim.DemoAddress, "試験 花子", "sim-cert:"}
