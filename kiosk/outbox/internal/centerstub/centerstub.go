// Package centerstub is a loopback stand-in for the center's `POST /v1/records` endpoint, for
// the outbox's tests and benchmarks. It speaks the real wire (see package httpdeliver and
// kiosk/center/api.go): it refuses unknown kinds and unknown payload fields as the reference
// center does, keeps
// the records it accepted in arrival order, answers "duplicate" for a key it has seen, and can
// be told to misbehave: be down, be slow, answer 5xx, answer garbage, or refuse chosen keys.
package centerstub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Fault is how the stub answers the next requests.
type Fault int

const (
	OK           Fault = iota
	Unavailable        // 503 with an HTML body
	Garbage            // 200 with a body that is not the wire's JSON
	Slow               // waits Delay before answering OK
	TooMany            // 429
	BareRefusal        // 400 without the {"code","message"} body (a proxy's error page)
	HangupMidway       // closes the connection without an answer
)

// Center is an http.Handler.
type Center struct {
	Delay time.Duration // for Slow

	mu       sync.Mutex
	faults   []Fault         // consumed one per request; then OK
	refuse   map[string]bool // keys refused for good
	seen     map[string]int  // key → times posted
	accepted []Record        // in arrival order, first time only
	requests int
}

// New returns a healthy center.
func New() *Center {
	return &Center{refuse: map[string]bool{}, seen: map[string]int{}}
}

// Fail queues faults for the next requests, one each.
func (c *Center) Fail(f ...Fault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, f...)
}

// Refuse makes the center refuse the record with this key for good.
func (c *Center) Refuse(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refuse[key] = true
}

// Record is a record as the center received it.
type Record struct {
	Kind    string          `json:"kind"`
	Key     string          `json:"key"`
	Created time.Time       `json:"created"`
	Payload json.RawMessage `json:"payload"`
}

// The center's payload shapes per kind (kiosk/center/api.go).
type (
	completion struct {
		IssuanceID string `json:"issuance_id"`
		Printed    int    `json:"printed"`
		Paid       int    `json:"paid"`
	}
	void struct {
		IssuanceID string `json:"issuance_id"`
		Reason     string `json:"reason"`
		Printed    int    `json:"printed"`
	}
	refund struct {
		IssuanceID string `json:"issuance_id"`
		Amount     int    `json:"amount"`
	}
	pinResetResult struct {
		ResetID string `json:"reset_id"`
		OK      bool   `json:"ok"`
		SW      string `json:"sw,omitempty"`
	}
)

var payloads = map[string]func() any{
	"completion":       func() any { return new(completion) },
	"void":             func() any { return new(void) },
	"refund":           func() any { return new(refund) },
	"pin_reset_result": func() any { return new(pinResetResult) },
}

// Accepted returns the records accepted, in arrival order, each once.
func (c *Center) Accepted() []Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Record(nil), c.accepted...)
}

// Posts returns how many times each key was posted.
func (c *Center) Posts(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[key]
}

// Requests returns the number of requests served.
func (c *Center) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

func (c *Center) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/records" || r.Method != http.MethodPost {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	// Read the whole body first: the server notices a client that gave up only after that.
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	c.mu.Lock()
	c.requests++
	f := OK
	if len(c.faults) > 0 {
		f, c.faults = c.faults[0], c.faults[1:]
	}
	c.mu.Unlock()
	switch f {
	case Unavailable:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "<html><body>503 Service Unavailable</body></html>")
		return
	case Garbage:
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "\x00\x01 OK?")
		return
	case TooMany:
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case BareRefusal:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, "<html>Bad Request</html>")
		return
	case HangupMidway:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("centerstub: cannot hijack")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case Slow:
		select {
		case <-time.After(c.Delay):
		case <-r.Context().Done():
			return
		}
	}
	var rec Record
	if err := strict(body, &rec); err != nil {
		writeRefusal(w, http.StatusBadRequest, "bad_request", "body: "+err.Error())
		return
	}
	mk, ok := payloads[rec.Kind]
	if !ok {
		writeRefusal(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("record kind %q unknown", rec.Kind))
		return
	}
	if err := strict(rec.Payload, mk()); err != nil {
		writeRefusal(w, http.StatusBadRequest, "bad_request", rec.Kind+": "+err.Error())
		return
	}
	if r.Header.Get("Idempotency-Key") != rec.Key || rec.Key == "" {
		writeRefusal(w, http.StatusBadRequest, "bad_request", "Idempotency-Key header does not match the key")
		return
	}
	c.mu.Lock()
	refused := c.refuse[rec.Key]
	c.seen[rec.Key]++
	dup := c.seen[rec.Key] > 1
	if !refused && !dup {
		c.accepted = append(c.accepted, rec)
	}
	c.mu.Unlock()
	if refused {
		writeRefusal(w, http.StatusUnprocessableEntity, "unknown_issuance", "no such issuance for record "+rec.Key)
		return
	}
	status := "accepted"
	if dup {
		status = "duplicate"
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"status": status})
}

func writeRefusal(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg})
}

// strict decodes one JSON object, refusing unknown fields and trailing data.
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}
