package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"certkiosk/kiosk/center"

	bolt "go.etcd.io/bbolt"
)

// apiError is a 4xx answer (or, with status 500, a failure of the center itself).
type apiError struct {
	status int
	body   center.ErrorBody
}

func refuse(status int, code, msg string, kv ...string) *apiError {
	e := &apiError{status: status, body: center.ErrorBody{Code: code, Message: msg}}
	if len(kv) > 1 {
		e.body.Details = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.body.Details[kv[i]] = kv[i+1]
		}
	}
	return e
}

func badRequest(format string, a ...any) *apiError {
	return refuse(http.StatusBadRequest, center.CodeBadRequest, fmt.Sprintf(format, a...))
}

func internal(err error) *apiError {
	return &apiError{status: http.StatusInternalServerError, body: center.ErrorBody{Code: "internal", Message: err.Error()}}
}

// result is what a handler decided: an answer (or refusal), the database writes that go with it
// (in the same transaction as the stored answer), and in-memory effects applied only after the
// writes committed.
type result struct {
	answer any
	err    *apiError
	writes func(tx *bolt.Tx) error
	commit func()
}

// call is one decoded state-changing request.
type call struct {
	kiosk string
	key   string
}

// flights serialises requests with the same idempotency key: a duplicate that arrives while the
// first is in progress waits and then gets the stored answer.
type flights struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

func (f *flights) acquire(k string) func() {
	for {
		f.mu.Lock()
		ch, busy := f.m[k]
		if !busy {
			ch = make(chan struct{})
			f.m[k] = ch
			f.mu.Unlock()
			return func() {
				f.mu.Lock()
				delete(f.m, k)
				f.mu.Unlock()
				close(ch)
			}
		}
		f.mu.Unlock()
		<-ch
	}
}

// storedAnswer is a successful answer kept for its idempotency key.
type storedAnswer struct {
	ReqHash []byte    `json:"req_hash"`
	Body    []byte    `json:"body"`
	At      time.Time `json:"at"`
}

// IdempotencyRetention is how long answers are kept for their keys. A kiosk retries within
// minutes and its outbox within days; older keys are dropped when the center starts.
const IdempotencyRetention = 14 * 24 * time.Hour

// pruneIdempotency drops stored answers older than IdempotencyRetention.
func (s *Server) pruneIdempotency() (int, error) {
	cut := s.now().Add(-IdempotencyRetention)
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bktIdem).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var a storedAnswer
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("decode stored answer: %w", err)
			}
			if a.At.Before(cut) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// Handler returns the kiosk API. It expects requests over TLS with the kiosk certificate verified
// by TLSConfig; without one every call is refused with kiosk_cert_required.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(center.PathChallenge, jsonCall(s, center.PathChallenge, s.handleChallenge))
	mux.HandleFunc(center.PathLogin, jsonCall(s, center.PathLogin, s.handleLogin))
	mux.HandleFunc(center.PathLogout, jsonCall(s, center.PathLogout, s.handleLogout))
	mux.HandleFunc(center.PathIssue, jsonCall(s, center.PathIssue, s.handleIssue))
	mux.HandleFunc(center.PathKosekiRegister, jsonCall(s, center.PathKosekiRegister, s.handleKosekiRegister))
	mux.HandleFunc(center.PathPINReset, jsonCall(s, center.PathPINReset, s.handlePINReset))
	mux.HandleFunc(center.PathRecords, s.recordCall(""))
	mux.HandleFunc(center.PathRecordsBatch, s.recordBatch)
	mux.HandleFunc(center.PathComplete, s.recordCall(center.RecordCompletion))
	mux.HandleFunc(center.PathVoid, s.recordCall(center.RecordVoid))
	mux.HandleFunc(center.PathRefund, s.recordCall(center.RecordRefund))
	mux.HandleFunc(center.PathPINResetResult, s.recordCall(center.RecordPINResetResult))
	mux.HandleFunc(center.PathHealth, s.handleHealth)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, refuse(http.StatusNotFound, center.CodeNotFound, "no such endpoint: "+r.URL.Path))
	})
	return s.logRequests(recoverer(mux))
}

// statusWriter remembers the status of an answer for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// logRequests logs one line per call at debug level: path, kiosk, status, duration. Never a
// body: bodies hold certificates and personal data.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		kiosk := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			kiosk = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		s.log.Debug("request", "path", r.URL.Path, "kiosk", kiosk, "status", sw.status, "took", time.Since(t0))
	})
}

// recoverer turns a panic into a 500 with a code rather than a dropped connection. Fuzzing
// exists so that this never runs.
func recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				writeError(w, internal(fmt.Errorf("panic: %v", v)))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// decodeInto strictly decodes one JSON object of type T: unknown fields, trailing data and
// non-objects are refused.
func decodeInto[T any](b []byte) (*T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return &v, nil
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, refuse(http.StatusMethodNotAllowed, center.CodeMethodNotAllowed, "use GET"))
		return
	}
	kiosk, aerr := peerKiosk(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	b, err := json.Marshal(center.Health{Status: "ok", KioskID: kiosk, Now: s.now(), API: 1})
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// peerKiosk is the kiosk id of the verified client certificate.
func peerKiosk(r *http.Request) (string, *apiError) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		return "", refuse(http.StatusUnauthorized, center.CodeKioskCertRequired, "present the kiosk device certificate")
	}
	kiosk := r.TLS.PeerCertificates[0].Subject.CommonName
	if !validKioskID(kiosk) {
		return "", refuse(http.StatusUnauthorized, center.CodeKioskCertRequired, "kiosk certificate has no valid kiosk id")
	}
	return kiosk, nil
}

// preamble does what every state-changing call shares: method, kiosk certificate, idempotency
// key, body size. It never changes state.
func (s *Server) preamble(w http.ResponseWriter, r *http.Request) (call, []byte, *apiError) {
	if r.Method != http.MethodPost {
		return call{}, nil, refuse(http.StatusMethodNotAllowed, center.CodeMethodNotAllowed, "use POST")
	}
	kiosk, aerr := peerKiosk(r)
	if aerr != nil {
		return call{}, nil, aerr
	}
	key := r.Header.Get(center.HeaderIdempotencyKey)
	if !validKey(key) {
		return call{}, nil, refuse(http.StatusBadRequest, center.CodeIdempotencyRequired,
			"Idempotency-Key: 1-128 of [A-Za-z0-9._:-]")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, center.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return call{}, nil, refuse(http.StatusRequestEntityTooLarge, center.CodeTooLarge,
				fmt.Sprintf("body over %d bytes", center.MaxBodyBytes))
		}
		return call{}, nil, badRequest("read body: %v", err)
	}
	return call{kiosk: kiosk, key: key}, body, nil
}

func validKey(k string) bool {
	if len(k) == 0 || len(k) > 128 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// jsonCall makes the handler of a state-changing JSON call with idempotency.
func jsonCall[T any](s *Server, path string, handle func(c call, req *T) result) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, body, aerr := s.preamble(w, r)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		req, err := decodeInto[T](body)
		if err != nil {
			writeError(w, badRequest("%s: %v", path, err))
			return
		}
		h := sha256.Sum256(canonical(body))
		s.idempotent(w, c, path, h[:], func() result { return handle(c, req) }, false)
	}
}

// canonical compacts JSON so that whitespace does not make a retry look like another request.
func canonical(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// idempotent runs fn once per (kiosk, group, key): the first successful answer is stored with
// the request's hash and its writes in one transaction, and replayed for every repeat. Refusals
// change nothing and are not stored: a repeat is decided again. When record is true a replay
// answers {"status":"duplicate"}.
func (s *Server) idempotent(w http.ResponseWriter, c call, group string, reqHash []byte, fn func() result, record bool) {
	k := c.kiosk + "\x00" + group + "\x00" + c.key
	release := s.flights.acquire(k)
	defer release()
	var prev storedAnswer
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktIdem, k, &prev) })
	switch {
	case err == nil:
		if !bytes.Equal(prev.ReqHash, reqHash) {
			writeError(w, refuse(http.StatusConflict, center.CodeIdempotencyConflict,
				"idempotency key already used for another request"))
			return
		}
		if record {
			writeJSON(w, http.StatusOK, []byte(`{"status":"duplicate"}`))
			return
		}
		writeJSON(w, http.StatusOK, prev.Body)
		return
	case err != errNotFound:
		writeError(w, internal(err))
		return
	}
	res := fn()
	if res.err != nil {
		writeError(w, res.err)
		return
	}
	body, err := json.Marshal(res.answer)
	if err != nil {
		writeError(w, internal(fmt.Errorf("encode answer: %w", err)))
		return
	}
	err = s.write(func(tx *bolt.Tx) error {
		if res.writes != nil {
			if err := res.writes(tx); err != nil {
				return err
			}
		}
		return putJSON(tx, bktIdem, k, storedAnswer{ReqHash: reqHash, Body: body, At: s.now()})
	})
	if aerr, ok := asRefusal(err); ok {
		writeError(w, aerr)
		return
	}
	if err != nil {
		writeError(w, internal(fmt.Errorf("store answer: %w", err)))
		return
	}
	if res.commit != nil {
		res.commit()
	}
	writeJSON(w, http.StatusOK, body)
}

// write commits fn. A lone writer commits at once (db.Update); writers that overlap share
// commits (db.Batch), so a single kiosk draining its outbox does not wait out MaxBatchDelay on
// every record while many kiosks at once still share fsyncs.
func (s *Server) write(fn func(*bolt.Tx) error) error {
	if s.writers.Add(1) == 1 {
		defer s.writers.Add(-1)
		return s.db.Update(fn)
	}
	defer s.writers.Add(-1)
	return s.db.Batch(fn)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the kiosk retries with the same key if this write is lost
}

func writeError(w http.ResponseWriter, e *apiError) {
	b, err := json.Marshal(e.body)
	if err != nil {
		b = []byte(`{"code":"internal","message":"encode error"}`)
	}
	writeJSON(w, e.status, b)
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
func pemKey(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
