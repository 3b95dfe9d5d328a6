package selftest

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Result is the outcome of one check.
type Result struct {
	Pass    bool
	Skipped bool          // not applicable here (not fitted, not configured); not a failure
	Details string        // what was seen, for the technician
	Elapsed time.Duration // set by the runner
}

// Check is one self-test.
type Check interface {
	Name() string
	Run(ctx context.Context) Result
}

// Pass, Fail and Skip build results.
func Pass(format string, args ...any) Result {
	return Result{Pass: true, Details: fmt.Sprintf(format, args...)}
}

// Fail is a failed result.
func Fail(format string, args ...any) Result {
	return Result{Details: fmt.Sprintf(format, args...)}
}

// Skip is a check that does not apply here.
func Skip(format string, args ...any) Result {
	return Result{Pass: true, Skipped: true, Details: fmt.Sprintf(format, args...)}
}

type funcCheck struct {
	name string
	run  func(context.Context) Result
}

func (f funcCheck) Name() string                   { return f.name }
func (f funcCheck) Run(ctx context.Context) Result { return f.run(ctx) }

// Func makes a Check from a function.
func Func(name string, run func(ctx context.Context) Result) Check { return funcCheck{name, run} }

// Option marks a check when it is added.
type Option func(*entry)

// Boot puts the check in the quick subset run at start-up.
var Boot Option = func(e *entry) { e.boot = true }

// Timeout overrides the suite's per-check time limit.
func Timeout(d time.Duration) Option { return func(e *entry) { e.timeout = d } }

type entry struct {
	check   Check
	boot    bool
	timeout time.Duration
}

// Suite is an ordered list of checks.
type Suite struct {
	// Timeout is the default time limit of one check; default 10s.
	Timeout time.Duration
	// Config describes the configuration the checks were built from, for the report.
	Config ConfigInfo
	list   []entry
}

// Add appends a check.
func (s *Suite) Add(c Check, opts ...Option) {
	e := entry{check: c}
	for _, o := range opts {
		o(&e)
	}
	s.list = append(s.list, e)
}

// Names lists the checks in order, the boot subset only if quick.
func (s *Suite) Names(quick bool) []string {
	var n []string
	for _, e := range s.list {
		if !quick || e.boot {
			n = append(n, e.check.Name())
		}
	}
	return n
}

// Run runs every check (only the Boot ones if quick), one after the other.
func (s *Suite) Run(ctx context.Context, quick bool) *Report {
	r := &Report{Build: ReadBuild(), Config: s.Config, Quick: quick, Started: time.Now().UTC()}
	for _, e := range s.list {
		if quick && !e.boot {
			continue
		}
		limit := e.timeout
		if limit <= 0 {
			limit = s.Timeout
		}
		if limit <= 0 {
			limit = 10 * time.Second
		}
		res := runOne(ctx, e.check, limit)
		r.Checks = append(r.Checks, CheckReport{
			Name: e.check.Name(), Boot: e.boot,
			Pass: res.Pass, Skipped: res.Skipped, Details: res.Details,
			Seconds: res.Elapsed.Seconds(),
		})
	}
	r.Seconds = time.Since(r.Started).Seconds()
	r.Failed = r.countFailed() > 0
	return r
}

// grace is how long a check may take to return after its time limit.
const grace = 200 * time.Millisecond

// runOne runs c with a time limit. A check that ignores its context is abandoned, not waited
// for: a stuck device must not hang the whole self-test.
func runOne(ctx context.Context, c Check, limit time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	done := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Fail("panic: %v", p)
			}
		}()
		done <- c.Run(ctx)
	}()
	var res Result
	select {
	case res = <-done:
	case <-ctx.Done():
		// A check that honours its context gets a moment to say what it saw.
		select {
		case res = <-done:
		case <-time.After(grace):
			res = Fail("")
		}
	}
	if ctx.Err() != nil && !res.Pass {
		res.Details = strings.TrimSuffix(fmt.Sprintf("timed out after %v: %s", limit, res.Details), ": ")
	}
	res.Elapsed = time.Since(start)
	return res
}

// BuildInfo names the firmware build, so a wrong build on a site is caught.
type BuildInfo struct {
	Module    string `json:"module"`
	Version   string `json:"version"`
	Revision  string `json:"vcs_revision,omitempty"`
	Time      string `json:"vcs_time,omitempty"`
	Modified  bool   `json:"vcs_modified,omitempty"`
	GoVersion string `json:"go_version"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
}

// stampedRevision and stampedTime are set by scripts/cross-build with -ldflags -X, for builds
// where Go's own VCS stamping is off (-buildvcs=false, a git worktree, a source tarball).
var stampedRevision, stampedTime string

// ReadBuild reads the running binary's build information.
func ReadBuild() BuildInfo {
	b := BuildInfo{GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		b.Revision, b.Time = stampedRevision, stampedTime
		return b
	}
	b.Module, b.Version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if b.Revision == "" {
		b.Revision, b.Time = stampedRevision, stampedTime
	}
	return b
}

// BuildTime is the commit time of the build, if it was stamped.
func (b BuildInfo) BuildTime() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, b.Time)
	return t, err == nil
}

// ConfigInfo names the configuration a report ran with.
type ConfigInfo struct {
	Path    string `json:"path,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	KioskID string `json:"kiosk_id,omitempty"`
}
