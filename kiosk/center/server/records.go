package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"certkiosk/kiosk/center"

	bolt "go.etcd.io/bbolt"
)

// recordBody is POST /v1/records.
type recordBody struct {
	Kind    string          `json:"kind"`
	Key     string          `json:"key"`
	Created time.Time       `json:"created"`
	Payload json.RawMessage `json:"payload"`
}

// storedRecord is a delivered record, kept for audit.
type storedRecord struct {
	Kind     string          `json:"kind"`
	Created  time.Time       `json:"created"`
	Received time.Time       `json:"received"`
	Payload  json.RawMessage `json:"payload"`
}

// txRefusal carries a refusal decided inside the write transaction (a state that changed between
// the handler's read and the write).
type txRefusal struct{ e *apiError }

func (t txRefusal) Error() string { return t.e.body.Code + ": " + t.e.body.Message }

// recordCall handles POST /v1/records (kind "") and the direct calls of one record kind. Both
// share one idempotency space: a completion sent directly and later through the outbox with the
// same key is a duplicate.
func (s *Server) recordCall(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, body, aerr := s.preamble(w, r)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		k, payload, created := kind, json.RawMessage(body), s.now()
		if kind == "" {
			rb, err := decodeInto[recordBody](body)
			if err != nil {
				writeError(w, badRequest("record: %v", err))
				return
			}
			if rb.Key != c.key {
				writeError(w, badRequest("record key %q differs from the Idempotency-Key header", rb.Key))
				return
			}
			k, payload = rb.Kind, rb.Payload
			if !rb.Created.IsZero() {
				created = rb.Created
			}
		}
		if len(bytes.TrimSpace(payload)) == 0 || bytes.TrimSpace(payload)[0] != '{' {
			writeError(w, badRequest("record payload: want a JSON object"))
			return
		}
		h := sha256.New()
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write(canonical(payload))
		s.idempotent(w, c, "records", h.Sum(nil), func() result { return s.applyRecord(c, k, created, payload) }, true)
	}
}

func (s *Server) applyRecord(c call, kind string, created time.Time, payload json.RawMessage) result {
	now := s.now()
	store := func(tx *bolt.Tx) error {
		return putJSON(tx, bktRecords, c.kiosk+"\x00"+c.key, storedRecord{Kind: kind, Created: created, Received: now, Payload: payload})
	}
	accepted := center.RecordAck{Status: "accepted"}
	switch kind {
	case center.RecordTelemetry, center.RecordJournal, center.RecordRefundOwed, center.RecordBindingMismatch,
		center.RecordFault, center.RecordKosekiRegistration, center.RecordCashReport:
		return result{answer: accepted, writes: store}
	case center.RecordCompletion:
		p, err := decodeInto[center.CompletionRecord](payload)
		if err != nil {
			return result{err: badRequest("completion: %v", err)}
		}
		if p.Printed < 0 || p.Paid < 0 {
			return result{err: badRequest("completion: negative count")}
		}
		return s.transition(c, p.IssuanceID, IssuanceIssued, IssuanceCompleted, 0, store)
	case center.RecordVoid:
		p, err := decodeInto[center.VoidRecord](payload)
		if err != nil {
			return result{err: badRequest("void: %v", err)}
		}
		return s.transition(c, p.IssuanceID, IssuanceIssued, IssuanceVoided, 0, store)
	case center.RecordRefund:
		p, err := decodeInto[center.RefundRecord](payload)
		if err != nil {
			return result{err: badRequest("refund: %v", err)}
		}
		if p.Amount < 0 {
			return result{err: badRequest("refund: negative amount")}
		}
		return s.transition(c, p.IssuanceID, IssuanceVoided, IssuanceRefunded, p.Amount, store)
	case center.RecordPINResetResult:
		p, err := decodeInto[center.PINResetResult](payload)
		if err != nil {
			return result{err: badRequest("pin reset result: %v", err)}
		}
		return s.resetResult(c, p, store)
	default:
		return result{err: badRequest("record kind %q unknown", kind)}
	}
}

// transition moves an issuance of this kiosk from one state to the next, inside the transaction
// that stores the record and its answer.
func (s *Server) transition(c call, id, from, to string, refund int, store func(*bolt.Tx) error) result {
	if id == "" {
		return result{err: badRequest("issuance_id missing")}
	}
	check := func(rec issuanceRecord) *apiError {
		if rec.State != from {
			return refuse(http.StatusConflict, center.CodeInvalidState,
				fmt.Sprintf("issuance is %s, not %s", rec.State, from), "state", rec.State)
		}
		if refund > rec.TotalFee {
			return badRequest("refund %d exceeds the fee %d", refund, rec.TotalFee)
		}
		return nil
	}
	var rec issuanceRecord
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktIssuances, id, &rec) })
	if err == errNotFound || (err == nil && rec.Kiosk != c.kiosk) {
		return result{err: refuse(http.StatusNotFound, center.CodeIssuanceNotFound, "no such issuance at this kiosk")}
	}
	if err != nil {
		return result{err: internal(err)}
	}
	if aerr := check(rec); aerr != nil {
		return result{err: aerr}
	}
	return result{answer: center.RecordAck{Status: "accepted"}, writes: func(tx *bolt.Tx) error {
		var cur issuanceRecord
		if err := getJSON(tx, bktIssuances, id, &cur); err != nil {
			return err
		}
		if aerr := check(cur); aerr != nil {
			return txRefusal{aerr}
		}
		cur.State = to
		cur.Refunded = refund
		if err := putJSON(tx, bktIssuances, id, cur); err != nil {
			return err
		}
		return store(tx)
	}}
}

// IssuanceState returns the state of an issuance (issued, completed, voided, refunded).
func (s *Server) IssuanceState(id string) (string, error) {
	var rec issuanceRecord
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktIssuances, id, &rec) })
	if err != nil {
		return "", fmt.Errorf("issuance %s: %w", id, err)
	}
	return rec.State, nil
}

// RecordCount returns how many records the center holds.
func (s *Server) RecordCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bktRecords).Stats().KeyN; return nil })
	return n, err
}

func asRefusal(err error) (*apiError, bool) {
	var t txRefusal
	if errors.As(err, &t) {
		return t.e, true
	}
	return nil, false
}

// Counts returns how many entries each stored collection holds (for tests and the admin: proof
// that a refused request changed nothing).
func (s *Server) Counts() (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			out[string(b)] = tx.Bucket(b).Stats().KeyN
		}
		return nil
	})
	return out, err
}
