package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func demoConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "demo.toml")
	src := fmt.Sprintf("kiosk_id = \"DEMO-7\"\ndemo = true\n[printer.document]\ndir = %q\n[storage]\noutbox = %q\nmin_free_mb = 1\n",
		dir, filepath.Join(dir, "outbox.db"))
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonReport struct {
	Build struct {
		GoVersion string `json:"go_version"`
		GOARCH    string `json:"goarch"`
	} `json:"build"`
	Config struct {
		Path    string `json:"path"`
		SHA256  string `json:"sha256"`
		KioskID string `json:"kiosk_id"`
	} `json:"config"`
	Failed bool `json:"failed"`
	Checks []struct {
		Name    string `json:"name"`
		Pass    bool   `json:"pass"`
		Details string `json:"details"`
	} `json:"checks"`
}

func TestSelftestJSONAndJUnit(t *testing.T) {
	t.Setenv("DISPLAY", "")
	cfg := demoConfig(t)
	junit := filepath.Join(t.TempDir(), "report.xml")
	var out, errb bytes.Buffer
	if code := run([]string{"selftest", "-config", cfg, "-json", "-junit", junit}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s\n%s", code, errb.String(), out.String())
	}
	var r jsonReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
	}
	if r.Failed || r.Config.KioskID != "DEMO-7" || r.Config.Path != cfg || len(r.Config.SHA256) != 64 ||
		r.Build.GoVersion == "" || r.Build.GOARCH == "" || len(r.Checks) < 5 {
		t.Errorf("report %+v", r)
	}

	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var x struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Props    []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, b)
	}
	if len(x.Suites) != 1 || x.Suites[0].Tests != len(r.Checks) || x.Suites[0].Failures != 0 || x.Suites[0].Cases[0].Name != "config" {
		t.Errorf("JUnit %+v", x)
	}
	found := false
	for _, p := range x.Suites[0].Props {
		found = found || (p.Name == "config.sha256" && p.Value == r.Config.SHA256)
	}
	if !found {
		t.Error("JUnit properties lack the config hash")
	}
}

func TestSelftestFailureExitsNonZero(t *testing.T) {
	t.Setenv("DISPLAY", "")
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("kiosk_id = \"X\"\ncolour = \"red\"\n"), 0o600)
	junit := filepath.Join(t.TempDir(), "r.xml")
	var out, errb bytes.Buffer
	code := run([]string{"selftest", "-config", bad, "-quick", "-junit", junit}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "FAIL  config") || !strings.Contains(out.String(), "colour: unknown key") {
		t.Errorf("text report:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "checks failed") {
		t.Errorf("stderr %q", errb.String())
	}
	b, _ := os.ReadFile(junit)
	if !bytes.Contains(b, []byte("<failure")) {
		t.Errorf("JUnit for a failed run has no failure:\n%s", b)
	}
}

func TestSelftestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"selftest", "extra"}, &out, &errb); code != 2 {
		t.Errorf("exit %d for a stray argument, want 2", code)
	}
	if code := run([]string{"selftest", "-nope"}, &out, &errb); code != 2 {
		t.Errorf("exit %d for an unknown flag, want 2", code)
	}
}

func TestHashCredential(t *testing.T) {
	var out, errb bytes.Buffer
	if err := hashCredential(nil, strings.NewReader("TECH2026KIOSK7\n"), &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), `technician_hash = "pbkdf2-sha256$600000$`) || strings.Contains(out.String(), "TECH2026") {
		t.Errorf("output %q", out.String())
	}
	for _, bad := range []string{"SHORT1", "a-long-technician-credential", "TECH2026KIOSK7TOOLONG", "tech2026kiosk7"} {
		if err := hashCredential(nil, strings.NewReader(bad+"\n"), &out, &errb); err == nil {
			t.Errorf("credential %q accepted: the staff keypad cannot type it", bad)
		}
	}
	if err := hashCredential([]string{"on-the-command-line"}, strings.NewReader(""), &out, &errb); err == nil {
		t.Error("credential as an argument accepted")
	}
}
