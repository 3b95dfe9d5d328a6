package httpdeliver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/outbox/httpdeliver"
)

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzDeliverAnswer feeds the center's answer (status and body) from the fuzzer. Whatever it
// is, Deliver must not panic, must report success only for 200 with an accepted/duplicate
// status, and must call a refusal permanent only for a 4xx (not 408/429) that says why.
func FuzzDeliverAnswer(f *testing.F) {
	f.Add(200, []byte(`{"status":"accepted"}`))
	f.Add(200, []byte(`{"status":"duplicate"}`))
	f.Add(200, []byte(`{"status":"maybe"}`))
	f.Add(200, []byte("\x00garbage"))
	f.Add(422, []byte(`{"code":"unknown_issuance","message":"no"}`))
	f.Add(400, []byte(`<html>`))
	f.Add(429, []byte(`{"code":"slow_down"}`))
	f.Add(503, []byte(``))
	f.Add(302, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		d := httpdeliver.New("http://center.invalid", &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body)), Header: http.Header{}}, nil
		})})
		err := d.Deliver(context.Background(), rec(1))
		var ok struct{ Status string }
		var ref struct{ Code string }
		okBody := json.Unmarshal(body, &ok) == nil && (ok.Status == "accepted" || ok.Status == "duplicate")
		if err == nil && !(status == 200 && okBody) {
			t.Fatalf("HTTP %d %q counted as delivered", status, body)
		}
		if err != nil && status == 200 && okBody {
			t.Fatalf("HTTP 200 %q not counted as delivered: %v", body, err)
		}
		perm := outbox.IsPermanent(err)
		wantPerm := status >= 400 && status < 500 && status != 408 && status != 429 &&
			json.Unmarshal(body, &ref) == nil && ref.Code != ""
		if perm != wantPerm {
			t.Fatalf("HTTP %d %q: permanent = %v, want %v (%v)", status, body, perm, wantPerm, err)
		}
	})
}
