package fleet

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
)

// Health statuses.
const (
	StatusOK           = "ok"
	StatusDegraded     = "degraded"       // serving, but something needs a technician soon
	StatusOutOfService = "out_of_service" // not serving residents: 503
)

// Health is the answer of GET /healthz. Reasons are codes (out-of-service flags, source and
// printer codes), never free text from a device or the center.
type Health struct {
	Status  string   `json:"status"`
	Reasons []string `json:"reasons"`
	Screen  string   `json:"screen,omitempty"` // empty before the machine's first step
	// Outbox figures; absent when the kiosk has no outbox source or it failed.
	OutboxPending       *int     `json:"outbox_pending,omitempty"`
	OutboxDead          *int     `json:"outbox_dead,omitempty"`
	OutboxHeadroom      *int     `json:"outbox_headroom,omitempty"`
	OutboxOldestSeconds *float64 `json:"outbox_oldest_age_seconds,omitempty"`
	// Printers: "document", "receipt" → ready, stopped or unreachable.
	Printers map[string]string `json:"printers,omitempty"`
	// SelfTest: pass, fail, or not_run.
	SelfTest string `json:"selftest"`
	// FailedChecks names the failed self-test checks.
	FailedChecks []string `json:"failed_checks,omitempty"`
}

// Check reads every source (bounded by the source timeout) and judges the kiosk's health:
// out_of_service while an out-of-service flag is raised, the machine shows OutOfService, or the
// last self-test failed; degraded when a source cannot be read, a printer is not ready, the
// outbox holds dead letters, its oldest record is older than OutboxStaleAfter, or it has less
// than a tenth of its capacity left; ok otherwise.
func (m *Metrics) Check(ctx context.Context) Health {
	snap := m.read(ctx)
	m.mu.Lock()
	flags, screen, observed, st := m.flags, m.screen, m.observed, m.selftest
	m.mu.Unlock()

	h := Health{Status: StatusOK, Reasons: []string{}, SelfTest: "not_run"}
	var down, degraded []string
	down = append(down, flagNames(flags)...)
	if observed {
		h.Screen = code(screen.String())
		if screen == kiosk.OutOfService && flags == 0 {
			down = append(down, "out_of_service_screen")
		}
		if screen == kiosk.Maintenance {
			degraded = append(degraded, "maintenance")
		}
	}
	if st != nil {
		h.SelfTest = "pass"
		if len(st.failed) > 0 {
			h.SelfTest = "fail"
			h.FailedChecks = st.failed
			if flags&kiosk.FlagSelfTestFailed == 0 {
				down = append(down, "selftest_failed")
			}
		}
	}
	if m.opts.Outbox != nil {
		if s := snap.outbox; s == nil {
			degraded = append(degraded, "outbox_unreadable")
		} else {
			age := max(0, s.OldestAge(m.opts.Now()).Seconds())
			h.OutboxPending, h.OutboxDead, h.OutboxHeadroom, h.OutboxOldestSeconds = &s.Pending, &s.Dead, &s.Headroom, &age
			if s.Dead > 0 {
				degraded = append(degraded, "outbox_dead_letters")
			}
			if age > m.opts.OutboxStaleAfter.Seconds() {
				degraded = append(degraded, "outbox_stale")
			}
			if s.Capacity > 0 && s.Headroom*10 < s.Capacity {
				degraded = append(degraded, "outbox_low_headroom")
			}
		}
	}
	for _, p := range snap.printers {
		if h.Printers == nil {
			h.Printers = map[string]string{}
		}
		switch {
		case p.err != nil:
			h.Printers[p.name] = "unreachable"
			degraded = append(degraded, p.source+"_unreachable")
		case !p.status.Ready():
			h.Printers[p.name] = "stopped"
			degraded = append(degraded, p.source+"_not_ready")
		default:
			h.Printers[p.name] = "ready"
			for _, f := range p.status.Faults {
				if f == printer.FaultMediaLow {
					degraded = append(degraded, p.source+"_media_low")
				}
			}
		}
	}
	switch {
	case len(down) > 0:
		h.Status = StatusOutOfService
	case len(degraded) > 0:
		h.Status = StatusDegraded
	}
	h.Reasons = append(append(h.Reasons, down...), degraded...)
	return h
}

// Handler serves GET /metrics (Prometheus text) and GET /healthz (Health as JSON; 200 when ok or
// degraded, 503 when out of service).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// A collector error still serves what could be gathered (sources report through
		// certkiosk_source_up; they never fail the scrape).
		ErrorHandling: promhttp.ContinueOnError,
	}))
	mux.HandleFunc("GET /healthz", m.serveHealth)
	return mux
}

func (m *Metrics) serveHealth(w http.ResponseWriter, r *http.Request) {
	h := m.Check(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if h.Status == StatusOutOfService {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(h) // the client went away: nothing to do
}
