package fleet

import (
	"context"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"certkiosk/hw/printer"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

const ns = "certkiosk"

// OutboxSource is the outbox as fleet reads it (*outbox.Outbox).
type OutboxSource interface {
	Stats() (outbox.Stats, error)
}

// PrinterSource is a printer as fleet reads it (any hw/printer driver).
type PrinterSource interface {
	Status(ctx context.Context) (printer.Status, error)
}

// Options are the sources and settings of a Metrics. Every field may be left zero.
type Options struct {
	Outbox         OutboxSource  // nil: no outbox gauges
	Printer        PrinterSource // the document printer; nil: none
	ReceiptPrinter PrinterSource // the receipt (slip) printer; nil: none
	ConfigSHA256   string        // hex sha256 of the configuration file (config.Source.SHA256)
	// SourceTimeout bounds each source read at scrape time. Zero means 2 s.
	SourceTimeout time.Duration
	// OutboxStaleAfter is how old the oldest pending record may get before health says degraded.
	// Zero means 1 h.
	OutboxStaleAfter time.Duration
	// Now is the wall clock for record ages and session durations. Nil means time.Now.
	Now func() time.Time
	// NoRuntime leaves out the Go runtime and process collectors (tests compare exact output).
	NoRuntime bool
}

// Metrics holds the kiosk's metrics in a private registry.
type Metrics struct {
	reg  *prometheus.Registry
	opts Options

	sessions      prometheus.Counter
	sessionsEnded prometheus.Counter
	sessionSecs   prometheus.Histogram
	issuances     *prometheus.CounterVec
	copies        prometheus.Counter
	refusals      *prometheus.CounterVec
	outcomes      *prometheus.CounterVec
	printFaults   *prometheus.CounterVec
	records       *prometheus.CounterVec
	screens       *prometheus.CounterVec
	alarms        *prometheus.CounterVec
	pinResets     *prometheus.CounterVec
	pinBlocked    prometheus.Counter
	selfCheck     *prometheus.GaugeVec
	selfSkipped   *prometheus.GaugeVec
	selfSeconds   *prometheus.GaugeVec
	selfFailed    prometheus.Gauge
	selfTime      prometheus.Gauge

	mu       sync.Mutex
	observed bool
	screen   kiosk.Screen
	flags    kiosk.ServiceFlag
	totals   kiosk.Totals
	txn      uint64    // transactions started since the kiosk started
	txID     string    // the running transaction's id; empty outside one
	started  time.Time // wall time of the running transaction's start
	selftest *selftestSummary
}

type selftestSummary struct {
	failed []string // names of failed checks
}

// New builds the metrics with their own registry (never the global one).
func New(opts Options) *Metrics {
	if opts.SourceTimeout <= 0 {
		opts.SourceTimeout = 2 * time.Second
	}
	if opts.OutboxStaleAfter <= 0 {
		opts.OutboxStaleAfter = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Metrics{reg: prometheus.NewRegistry(), opts: opts}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help})
	}
	counterVec := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help}, []string{label})
	}
	gaugeVec := func(name, help, label string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: name, Help: help}, []string{label})
	}
	m.sessions = counter("sessions_total", "Transactions started (a resident chose a language).")
	m.sessionsEnded = counter("sessions_ended_total", "Transactions ended, whatever the outcome.")
	m.sessionSecs = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "session_duration_seconds",
		Help:    "Wall time from a transaction's start to its end.",
		Buckets: []float64{15, 30, 60, 90, 120, 180, 300, 600, 1200}})
	m.issuances = counterVec("issuances_total", "Issuances printed in full, by certificate type.", "type")
	m.copies = counter("copies_printed_total", "Certificate copies printed.")
	m.refusals = counterVec("refusals_total", "Center refusals, by refusal code.", "code")
	m.outcomes = counterVec("outcomes_total", "Outcome screens shown, by outcome message key.", "key")
	m.printFaults = counterVec("print_faults_total", "Print faults during issuance, by fault code.", "fault")
	m.records = counterVec("outbox_records_total", "Records the machine appended to the outbox, by kind.", "kind")
	m.screens = counterVec("screen_entries_total", "Times each screen was entered.", "screen")
	m.alarms = counterVec("journal_alarms_total", "Alarm-severity journal entries, by journal code.", "code")
	m.pinResets = counterVec("pin_resets_total", "Signature/user PIN resets relayed to a card, by result (ok, failed).", "result")
	m.pinBlocked = counter("pin_blocked_total", "PINs that locked on a wrong entry at this kiosk.")
	m.selfCheck = gaugeVec("selftest_check", "Last self-test result per check: 1 pass (or skipped), 0 fail.", "check")
	m.selfSkipped = gaugeVec("selftest_check_skipped", "1 when the check was skipped (not fitted or not configured).", "check")
	m.selfSeconds = gaugeVec("selftest_check_seconds", "Time the check took in the last self-test.", "check")
	m.selfFailed = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "selftest_failed",
		Help: "1 when the last self-test failed."})
	m.selfTime = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "selftest_timestamp_seconds",
		Help: "Unix time the last self-test started; 0 before the first."})

	m.reg.MustRegister(m.sessions, m.sessionsEnded, m.sessionSecs, m.issuances, m.copies, m.refusals,
		m.outcomes, m.printFaults, m.records, m.screens, m.alarms, m.pinResets, m.pinBlocked, m.selfCheck, m.selfSkipped,
		m.selfSeconds, m.selfFailed, m.selfTime)

	// Money: the machine's running totals since start, read at scrape time.
	for _, c := range []struct {
		name, help string
		get        func(kiosk.Totals) int
	}{
		{"payments_yen_total", "Money taken in (coins and bills).", func(t kiosk.Totals) int { return t.In }},
		{"fees_yen_total", "Fees of the copies printed.", func(t kiosk.Totals) int { return t.Spent }},
		{"change_yen_total", "Money paid out as change.", func(t kiosk.Totals) int { return t.Change }},
		{"refunds_yen_total", "Money paid back for voided issuances.", func(t kiosk.Totals) int { return t.Refunded }},
		{"refunds_owed_yen_total", "Money the cashbox could not pay back (owed through the outbox).", func(t kiosk.Totals) int { return t.Owed }},
	} {
		get := c.get
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Name: c.name, Help: c.help},
			func() float64 {
				m.mu.Lock()
				defer m.mu.Unlock()
				return float64(get(m.totals))
			}))
	}
	m.reg.MustRegister(&stateCollector{m: m}, &sourceCollector{m: m}, buildInfo(opts.ConfigSHA256))
	if !opts.NoRuntime {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	// Known closed-list series start at zero so a rate() sees the first increment.
	m.copies.Add(0)
	for t := range certTypes {
		m.issuances.WithLabelValues(t)
	}
	return m
}

// Registry is the private registry (for a caller that adds its own collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Observe counts what one step of the machine did. It has the signature of kiosk.Runner.Observe:
// r.Observe(m.Observe). It never blocks on I/O and is safe from any goroutine.
func (m *Metrics) Observe(e kiosk.Event, s kiosk.State, effs []kiosk.Effect) {
	now := m.opts.Now()
	m.mu.Lock()
	entered := !m.observed || s.Screen != m.screen
	m.observed = true
	m.screen, m.flags, m.totals, m.txn = s.Screen, s.Flags, s.Totals, s.Txn
	// A transaction starts when the machine gives it an id and ends when the id is dropped (its
	// personal data with it), whether it finished or was aborted. The id itself is not exported.
	var started, ended bool
	var took time.Duration
	if s.Tx.ID != m.txID {
		if m.txID != "" {
			ended = true
			if !m.started.IsZero() {
				took = now.Sub(m.started)
			}
			m.started = time.Time{}
		}
		if s.Tx.ID != "" {
			started = true
			m.started = now
		}
		m.txID = s.Tx.ID
	}
	m.mu.Unlock()

	if entered {
		m.screens.WithLabelValues(code(s.Screen.String())).Inc()
		if s.Screen == kiosk.Outcome {
			m.outcomes.WithLabelValues(outcomeKeys.label(s.Outcome.Key)).Inc()
		}
	}
	if started {
		m.sessions.Inc()
	}
	if ended {
		m.sessionsEnded.Inc()
		m.sessionSecs.Observe(took.Seconds())
	}
	for _, f := range effs {
		switch f := f.(type) {
		case kiosk.Journal:
			m.journal(f.Entry)
		case kiosk.OutboxAppend:
			r := f.Record
			m.records.WithLabelValues(recordKinds.label(string(r.Kind))).Inc()
			if r.Kind == kiosk.RecordCompletion {
				m.issuances.WithLabelValues(certTypes.label(r.Type)).Inc()
			}
		}
	}
}

// journal counts by the machine's own journal codes, which it writes only for steps it took
// (a stale answer is journalled as stale_answer, never as refused or printed).
func (m *Metrics) journal(j kiosk.JournalEntry) {
	switch j.Code {
	case "printed":
		m.copies.Inc()
	case "refused":
		m.refusals.WithLabelValues(refusalCodes.label(j.Detail)).Inc()
	case "print_fault":
		m.printFaults.WithLabelValues(printFaultCodes.label(j.Detail)).Inc()
	case "pin_reset":
		m.pinResets.WithLabelValues("ok").Inc()
	case "pin_reset_failed":
		m.pinResets.WithLabelValues("failed").Inc()
	case "pin_blocked":
		m.pinBlocked.Inc()
	}
	if j.Severity == kiosk.Alarm {
		m.alarms.WithLabelValues(code(j.Code)).Inc()
	}
}

// SetSelfTest publishes a self-test report (boot self-test, or a technician's run). Only check
// names, pass/fail and seconds are exported; details stay in the report.
func (m *Metrics) SetSelfTest(r *selftest.Report) {
	m.selfCheck.Reset()
	m.selfSkipped.Reset()
	m.selfSeconds.Reset()
	sum := &selftestSummary{}
	for _, c := range r.Checks {
		name := code(c.Name)
		m.selfCheck.WithLabelValues(name).Set(b2f(c.Pass))
		m.selfSkipped.WithLabelValues(name).Set(b2f(c.Skipped))
		m.selfSeconds.WithLabelValues(name).Set(c.Seconds)
		if !c.Pass {
			sum.failed = append(sum.failed, name)
		}
	}
	m.selfFailed.Set(b2f(r.Failed))
	if !r.Started.IsZero() {
		m.selfTime.Set(float64(r.Started.UnixNano()) / 1e9)
	}
	if r.Failed && len(sum.failed) == 0 {
		sum.failed = []string{other}
	}
	m.mu.Lock()
	m.selftest = sum
	m.mu.Unlock()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// stateCollector exports what Observe last saw of the state: the out-of-service reasons and the
// current screen.
type stateCollector struct{ m *Metrics }

var (
	descOutOfService = prometheus.NewDesc(ns+"_out_of_service",
		"1 while the reason keeps the kiosk out of service.", []string{"reason"}, nil)
	descScreen = prometheus.NewDesc(ns+"_screen",
		"1 for the screen the kiosk shows now.", []string{"screen"}, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutOfService
	ch <- descScreen
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	m.mu.Lock()
	flags, screen, observed := m.flags, m.screen, m.observed
	m.mu.Unlock()
	for _, r := range serviceReasons {
		ch <- prometheus.MustNewConstMetric(descOutOfService, prometheus.GaugeValue, b2f(flags&r.Flag != 0), r.Name)
	}
	if observed {
		ch <- prometheus.MustNewConstMetric(descScreen, prometheus.GaugeValue, 1, code(screen.String()))
	}
}

// versionRE is what a build label value may look like (module versions, hex revisions).
var versionRE = regexp.MustCompile(`^[A-Za-z0-9._+()-]{1,80}$`)

func buildLabel(v string) string {
	if versionRE.MatchString(v) {
		return v
	}
	return "unknown"
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// buildInfo is certkiosk_build_info{...} 1, with the configuration file's sha256.
func buildInfo(configSHA256 string) prometheus.Collector {
	b := selftest.ReadBuild()
	cfg := "none"
	if sha256RE.MatchString(configSHA256) {
		cfg = configSHA256
	} else if configSHA256 != "" {
		cfg = "invalid"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "build_info",
		Help: "Firmware build and configuration; always 1.",
		ConstLabels: prometheus.Labels{
			"module": buildLabel(b.Module), "version": buildLabel(b.Version),
			"revision": buildLabel(b.Revision), "modified": strconv.FormatBool(b.Modified),
			"goversion": buildLabel(b.GoVersion), "goos": buildLabel(b.GOOS), "goarch": buildLabel(b.GOARCH),
			"config_sha256": cfg,
		}})
	g.Set(1)
	return g
}
