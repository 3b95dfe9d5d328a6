package kiosk_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"certkiosk/kiosk"
)

func TestParseScript(t *testing.T) {
	steps, err := kiosk.ParseScript(strings.NewReader(`
# a comment
tap start
tap language ja   # trailing comment
pin 12a4
hwkey back
card place
coin 500
wait 1m30s
expect menu
maintenance on
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []kiosk.ScriptStep{
		{Line: 3, Event: kiosk.Tap{Button: kiosk.BtnStart}},
		{Line: 4, Event: kiosk.Tap{Button: kiosk.BtnLanguage, Arg: "ja"}},
		{Line: 5, Event: kiosk.Key{Key: '1'}}, {Line: 5, Event: kiosk.Key{Key: '2'}},
		{Line: 5, Event: kiosk.Key{Key: 'a'}}, {Line: 5, Event: kiosk.Key{Key: '4'}},
		{Line: 5, Event: kiosk.Key{Key: kiosk.KeyEnter}},
		{Line: 6, Event: kiosk.Key{Key: kiosk.KeyBackspace, Source: kiosk.HardwareKeypad}},
		{Line: 7, Event: kiosk.CardPlaced{}, Device: "card place"},
		{Line: 8, Event: kiosk.MoneyIn{Yen: 500}, Device: "coin", Yen: 500},
		{Line: 9, Wait: 90 * time.Second},
		{Line: 10},
		{Line: 11, Event: kiosk.TechnicianKey{On: true}},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(steps), len(want), steps)
	}
	for i := range want {
		g, w := steps[i], want[i]
		if g.Line != w.Line || g.Event != w.Event || g.Wait != w.Wait || g.Device != w.Device || g.Yen != w.Yen {
			t.Errorf("step %d: %+v, want %+v", i, g, w)
		}
	}
	if e := steps[11].Expect; e == nil || *e != kiosk.Menu {
		t.Errorf("expect step %+v", steps[11])
	}
}

func TestParseScriptErrors(t *testing.T) {
	for _, tc := range []struct{ in, line, what string }{
		{"tap nosuch", "line 1", "unknown button"},
		{"\n\nfly away", "line 3", "unknown command"},
		{"tap", "line 1", "tap takes"},
		{"tap language ja extra", "line 1", "tap takes"},
		{"key 12-4", "line 1", "not a digit"},
		{"pin", "line 1", "pin takes 1"},
		{"card eject", "line 1", "card place or card remove"},
		{"coin -5", "line 1", "coin takes"},
		{"coin 99999", "line 1", "coin takes"},
		{"wait soon", "line 1", "wait takes"},
		{"wait -1s", "line 1", "wait takes"},
		{"expect lunch", "line 1", "unknown screen"},
		{"maintenance maybe", "line 1", "on or off"},
		{strings.Repeat("x", 5000), "after line 0", "too long"},
	} {
		_, err := kiosk.ParseScript(strings.NewReader(tc.in))
		if err == nil || !errors.Is(err, kiosk.ErrScript) || !strings.Contains(err.Error(), tc.line) ||
			!strings.Contains(err.Error(), tc.what) {
			t.Errorf("%q: error %v, want %s and %q", tc.in, err, tc.line, tc.what)
		}
	}
}

func FuzzParseScript(f *testing.F) {
	f.Add("tap start\npin 1234\nexpect menu\n")
	f.Add("coin 500 # x\nwait 2s\n")
	f.Add("card place\nhwkey clear\n")
	f.Fuzz(func(t *testing.T, in string) {
		steps, err := kiosk.ParseScript(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, kiosk.ErrScript) {
				t.Fatalf("error does not wrap ErrScript: %v", err)
			}
			return
		}
		for _, s := range steps {
			if s.Line < 1 || (s.Event == nil && s.Expect == nil && s.Wait < 0) {
				t.Fatalf("bad step %+v", s)
			}
		}
	})
}
