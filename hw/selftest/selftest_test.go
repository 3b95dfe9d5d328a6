package selftest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSuiteRunsInOrderWithVerdicts(t *testing.T) {
	var s Suite
	s.Add(Func("ok", func(context.Context) Result { return Pass("fine") }), Boot)
	s.Add(Func("bad", func(context.Context) Result { return Fail("broken %d", 7) }))
	s.Add(Func("na", func(context.Context) Result { return Skip("not fitted") }), Boot)
	s.Add(Func("boom", func(context.Context) Result { panic("nil device") }))
	s.Add(Func("stuck", func(ctx context.Context) Result { select {} }), Timeout(50*time.Millisecond))
	s.Add(Func("slow-but-polite", func(ctx context.Context) Result {
		<-ctx.Done()
		return Fail("gave up")
	}), Timeout(50*time.Millisecond))

	r := s.Run(context.Background(), false)
	type row struct {
		name       string
		pass, skip bool
		details    string
	}
	var got []row
	for _, c := range r.Checks {
		got = append(got, row{c.Name, c.Pass, c.Skipped, c.Details})
	}
	want := []row{
		{"ok", true, false, "fine"},
		{"bad", false, false, "broken 7"},
		{"na", true, true, "not fitted"},
		{"boom", false, false, "panic: nil device"},
		{"stuck", false, false, "timed out after 50ms"},
		{"slow-but-polite", false, false, "timed out after 50ms: gave up"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("checks\n%v\nwant\n%v", got, want)
	}
	if !r.Failed {
		t.Error("report with failures not Failed")
	}
	if got := r.FailedChecks(); len(got) != 4 || got[0] != "bad: broken 7" {
		t.Errorf("FailedChecks = %q", got)
	}

	q := s.Run(context.Background(), true)
	if len(q.Checks) != 2 || q.Checks[0].Name != "ok" || q.Checks[1].Name != "na" || q.Failed || !q.Quick {
		t.Errorf("quick run = %+v", q)
	}
	if n := s.Names(true); !reflect.DeepEqual(n, []string{"ok", "na"}) {
		t.Errorf("Names(quick) = %v", n)
	}
}

func sampleReport() *Report {
	var s Suite
	s.Config = ConfigInfo{Path: "/etc/certkiosk/kiosk.toml", SHA256: strings.Repeat("ab", 32), KioskID: "T-1"}
	s.Add(Func("clock", func(context.Context) Result { return Pass("2026-01-01T00:00:00Z") }), Boot)
	s.Add(Func("printer", func(context.Context) Result { return Fail(`cover open & "paper" <low>`) }))
	s.Add(Func("display", func(context.Context) Result { return Skip("headless") }))
	return s.Run(context.Background(), false)
}

func TestJSONReportNamesBuildAndConfig(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Build  map[string]any `json:"build"`
		Config ConfigInfo     `json:"config"`
		Failed bool           `json:"failed"`
		Checks []CheckReport  `json:"checks"`
	}
	if err := json.Unmarshal(b.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	for _, k := range []string{"go_version", "goarch", "goos", "module", "version"} {
		if _, ok := r.Build[k]; !ok {
			t.Errorf("build lacks %q: %v", k, r.Build)
		}
	}
	if r.Config.SHA256 == "" || r.Config.Path == "" || !r.Failed || len(r.Checks) != 3 || r.Checks[1].Pass {
		t.Errorf("report = %+v", r)
	}
}

func TestJUnitReportParsesBack(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(got.Suites) != 1 {
		t.Fatalf("suites = %d", len(got.Suites))
	}
	s := got.Suites[0]
	if s.Tests != 3 || s.Failures != 1 || s.Skipped != 1 || len(s.Cases) != 3 {
		t.Errorf("suite counts %+v", s)
	}
	if f := s.Cases[1].Failure; f == nil || f.Message != `cover open & "paper" <low>` {
		t.Errorf("failure = %+v", f)
	}
	if s.Cases[0].Failure != nil || s.Cases[2].Skipped == nil {
		t.Errorf("cases = %+v", s.Cases)
	}
	props := map[string]string{}
	for _, p := range s.Properties {
		props[p.Name] = p.Value
	}
	if props["config.kiosk_id"] != "T-1" || props["build.goarch"] == "" || props["config.sha256"] == "" {
		t.Errorf("properties = %v", props)
	}
}

func TestTextReport(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"PASS  clock", "FAIL  printer", "SKIP  display", "1 check(s) FAILED", "kiosk T-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}
