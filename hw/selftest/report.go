package selftest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the outcome of one run.
type Report struct {
	Build   BuildInfo     `json:"build"`
	Config  ConfigInfo    `json:"config"`
	Quick   bool          `json:"quick"`
	Started time.Time     `json:"started"`
	Seconds float64       `json:"seconds"`
	Failed  bool          `json:"failed"`
	Checks  []CheckReport `json:"checks"`
}

// CheckReport is one check's line in a report.
type CheckReport struct {
	Name    string  `json:"name"`
	Boot    bool    `json:"boot"`
	Pass    bool    `json:"pass"`
	Skipped bool    `json:"skipped,omitempty"`
	Seconds float64 `json:"seconds"`
	Details string  `json:"details"`
}

func (r *Report) countFailed() int {
	n := 0
	for _, c := range r.Checks {
		if !c.Pass {
			n++
		}
	}
	return n
}

// FailedChecks lists the names and details of the failed checks, e.g. as the out-of-service
// reason after a failed boot self-test.
func (r *Report) FailedChecks() []string {
	var f []string
	for _, c := range r.Checks {
		if !c.Pass {
			f = append(f, c.Name+": "+c.Details)
		}
	}
	return f
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	if err := e.Encode(r); err != nil {
		return fmt.Errorf("write self-test JSON: %w", err)
	}
	return nil
}

// WriteText writes a table for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	b := r.Build
	var s strings.Builder
	fmt.Fprintf(&s, "build   %s %s rev %s modified=%v %s %s/%s\n", b.Module, b.Version, orDash(b.Revision), b.Modified, b.GoVersion, b.GOOS, b.GOARCH)
	fmt.Fprintf(&s, "config  %s sha256 %s kiosk %s\n", orDash(r.Config.Path), orDash(r.Config.SHA256), orDash(r.Config.KioskID))
	for _, c := range r.Checks {
		st := "PASS"
		switch {
		case c.Skipped:
			st = "SKIP"
		case !c.Pass:
			st = "FAIL"
		}
		fmt.Fprintf(&s, "%-4s  %-16s %7.3fs  %s\n", st, c.Name, c.Seconds, c.Details)
	}
	verdict := "all checks passed"
	if r.Failed {
		verdict = fmt.Sprintf("%d check(s) FAILED", r.countFailed())
	}
	fmt.Fprintf(&s, "%s in %.3fs\n", verdict, r.Seconds)
	_, err := io.WriteString(w, s.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// JUnit XML, as CI systems read it (the common subset of the Ant/Jenkins schema).
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite, one testcase per check, the build and
// configuration as properties.
func (r *Report) WriteJUnit(w io.Writer) error {
	s := junitSuite{
		Name:      "certkiosk-selftest",
		Tests:     len(r.Checks),
		Failures:  r.countFailed(),
		Time:      fmt.Sprintf("%.3f", r.Seconds),
		Timestamp: r.Started.Format(time.RFC3339),
	}
	if r.Quick {
		s.Name += "-quick"
	}
	b := r.Build
	for _, p := range [][2]string{
		{"build.module", b.Module}, {"build.version", b.Version}, {"build.vcs_revision", b.Revision},
		{"build.vcs_time", b.Time}, {"build.vcs_modified", fmt.Sprint(b.Modified)}, {"build.go_version", b.GoVersion},
		{"build.goos", b.GOOS}, {"build.goarch", b.GOARCH},
		{"config.path", r.Config.Path}, {"config.sha256", r.Config.SHA256}, {"config.kiosk_id", r.Config.KioskID},
	} {
		s.Properties = append(s.Properties, junitProperty{Name: p[0], Value: p[1]})
	}
	for _, c := range r.Checks {
		jc := junitCase{Name: c.Name, Classname: "selftest", Time: fmt.Sprintf("%.3f", c.Seconds), SystemOut: c.Details}
		switch {
		case c.Skipped:
			s.Skipped++
			jc.Skipped = &junitMessage{Message: c.Details}
		case !c.Pass:
			jc.Failure = &junitMessage{Message: c.Details}
		}
		s.Cases = append(s.Cases, jc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write self-test JUnit: %w", err)
	}
	e := xml.NewEncoder(w)
	e.Indent("", "  ")
	if err := e.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return fmt.Errorf("write self-test JUnit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
