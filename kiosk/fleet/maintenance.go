package fleet

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"certkiosk/kiosk"
)

// RemoteAnswer is the JSON answer of the maintenance endpoint.
type RemoteAnswer struct {
	Action string             `json:"action"`
	Report *kiosk.MaintReport `json:"report,omitempty"`
	Error  string             `json:"error,omitempty"` // a code: unknown_action, enter_maintenance_first, kiosk_stopped
	// With status: what the machine itself counts and shows (the maintenance screen's counters).
	Screen   string          `json:"screen,omitempty"`
	Counters *kiosk.Counters `json:"counters,omitempty"`
	Reasons  []string        `json:"out_of_service,omitempty"`
}

// Remote is the technician's endpoint on loopback for kioskctl (kioskctl maint …):
//
//	GET  /maintenance/{status,journal,config}     read, at any time
//	POST /maintenance/send_now                     wake the outbox sender, at any time
//	POST /maintenance/{test_page,reader_test}      only while the kiosk is in maintenance: they
//	                                               use the printer and the reader a resident's
//	                                               session would be using
//	POST /maintenance/{service_off,service_on}     out of service / back in service (202; a
//	                                               resident mid-session finishes first)
//
// Every call is journaled by the machine (kiosk.RemoteMaintenance). The endpoint is served
// only on loopback (Serve), so it is open to the terminal's own operator and nobody else.
type Remote struct {
	Maintainer kiosk.Maintainer
	Send       func(kiosk.Event) bool // kiosk.Runner.Send
	Metrics    *Metrics               // for the screen on display
	Timeout    time.Duration          // per action; 0 means 60 s
}

// Handler serves the endpoint.
func (rm *Remote) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, a := range []kiosk.MaintAction{kiosk.MaintStatus, kiosk.MaintJournal, kiosk.MaintConfig} {
		mux.HandleFunc("GET /maintenance/"+string(a), rm.perform(a, false))
	}
	mux.HandleFunc("POST /maintenance/"+string(kiosk.MaintSendNow), rm.perform(kiosk.MaintSendNow, false))
	for _, a := range []kiosk.MaintAction{kiosk.MaintTestPage, kiosk.MaintReaderTest} {
		mux.HandleFunc("POST /maintenance/"+string(a), rm.perform(a, true))
	}
	for _, a := range []kiosk.MaintAction{kiosk.MaintServiceOff, kiosk.MaintServiceOn} {
		mux.HandleFunc("POST /maintenance/"+string(a), func(w http.ResponseWriter, r *http.Request) {
			if !rm.Send(kiosk.RemoteMaintenance{Action: a}) {
				answer(w, http.StatusServiceUnavailable, RemoteAnswer{Action: string(a), Error: "kiosk_stopped"})
				return
			}
			answer(w, http.StatusAccepted, RemoteAnswer{Action: string(a)})
		})
	}
	mux.HandleFunc("/maintenance/", func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusNotFound, RemoteAnswer{Error: "unknown_action"})
	})
	return mux
}

func (rm *Remote) perform(a kiosk.MaintAction, needsMaintenance bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if needsMaintenance && !rm.inMaintenance() {
			answer(w, http.StatusConflict, RemoteAnswer{Action: string(a), Error: "enter_maintenance_first"})
			return
		}
		if !rm.Send(kiosk.RemoteMaintenance{Action: a}) {
			answer(w, http.StatusServiceUnavailable, RemoteAnswer{Action: string(a), Error: "kiosk_stopped"})
			return
		}
		d := rm.Timeout
		if d <= 0 {
			d = time.Minute
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		rep := rm.Maintainer.Maintain(ctx, a)
		ans := RemoteAnswer{Action: string(a), Report: &rep}
		if a == kiosk.MaintStatus && rm.Metrics != nil {
			m := rm.Metrics
			m.mu.Lock()
			if m.observed {
				ans.Screen = code(m.screen.String())
			}
			ans.Counters = &kiosk.Counters{Sessions: int(m.txn), Totals: m.totals}
			ans.Reasons = flagNames(m.flags)
			m.mu.Unlock()
		}
		answer(w, http.StatusOK, ans)
	}
}

func (rm *Remote) inMaintenance() bool {
	if rm.Metrics == nil {
		return false
	}
	rm.Metrics.mu.Lock()
	defer rm.Metrics.mu.Unlock()
	return rm.Metrics.observed && rm.Metrics.screen == kiosk.Maintenance
}

func answer(w http.ResponseWriter, code int, a RemoteAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(a) // the client went away: nothing to do
}

// Mux serves the metrics and health handler and, when rm is not nil, the maintenance endpoint.
func Mux(m *Metrics, rm *Remote) http.Handler {
	if rm == nil {
		return m.Handler()
	}
	mux := http.NewServeMux()
	mux.Handle("/maintenance/", rm.Handler())
	mux.Handle("/", m.Handler())
	return mux
}
