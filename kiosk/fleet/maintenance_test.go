package fleet

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"certkiosk/kiosk"
)

type fakeMaintainer struct {
	mu   sync.Mutex
	done []kiosk.MaintAction
}

func (f *fakeMaintainer) Maintain(_ context.Context, a kiosk.MaintAction) kiosk.MaintReport {
	f.mu.Lock()
	f.done = append(f.done, a)
	f.mu.Unlock()
	return kiosk.MaintReport{Lines: []kiosk.MaintLine{{Label: kiosk.LabelOutboxPending, Value: "2"}}}
}

func TestRemoteMaintenance(t *testing.T) {
	m := New(Options{NoRuntime: true})
	fm := &fakeMaintainer{}
	var sent []kiosk.Event
	rm := &Remote{Maintainer: fm, Metrics: m, Send: func(e kiosk.Event) bool { sent = append(sent, e); return true }}
	srv := httptest.NewServer(Mux(m, rm))
	defer srv.Close()
	call := func(method, action string) (int, RemoteAnswer) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/maintenance/"+action, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a RemoteAnswer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatalf("%s %s: %v", method, action, err)
		}
		return resp.StatusCode, a
	}
	observe := func(sc kiosk.Screen) {
		s := kiosk.NewState(kiosk.DefaultConfig(), "b")
		s.Screen = sc
		m.Observe(kiosk.Tap{}, s, nil)
	}
	observe(kiosk.Menu)

	if code, a := call("GET", "status"); code != 200 || a.Report == nil || a.Report.Lines[0].Value != "2" {
		t.Fatalf("status: %d %+v", code, a)
	}
	// Device tests only in maintenance: a resident may be using the printer.
	if code, a := call("POST", "test_page"); code != http.StatusConflict || a.Error != "enter_maintenance_first" {
		t.Fatalf("test page outside maintenance: %d %+v", code, a)
	}
	observe(kiosk.Maintenance)
	if code, _ := call("POST", "test_page"); code != 200 {
		t.Fatalf("test page in maintenance: %d", code)
	}
	if code, _ := call("POST", "service_off"); code != http.StatusAccepted {
		t.Fatalf("service off: %d", code)
	}
	if code, _ := call("GET", "service_off"); code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Fatalf("GET service_off changed state: %d", code)
	}
	if code, a := call("POST", "format_disk"); code != http.StatusNotFound || a.Error != "unknown_action" {
		t.Fatalf("unknown action: %d %+v", code, a)
	}
	want := []kiosk.Event{kiosk.RemoteMaintenance{Action: kiosk.MaintStatus}, kiosk.RemoteMaintenance{Action: kiosk.MaintTestPage},
		kiosk.RemoteMaintenance{Action: kiosk.MaintServiceOff}}
	if len(sent) != len(want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	for i := range want {
		if sent[i] != want[i] {
			t.Fatalf("sent %v, want %v", sent, want)
		}
	}
	if len(fm.done) != 2 || fm.done[1] != kiosk.MaintTestPage {
		t.Fatalf("performed %v", fm.done)
	}
	// Metrics still answer on the same server.
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || (resp.StatusCode != 200 && resp.StatusCode != 503) {
		t.Fatalf("healthz: %v %v", resp, err)
	}
}
