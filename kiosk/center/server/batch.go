package server

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"

	bolt "go.etcd.io/bbolt"

	"certkiosk/kiosk/center"
)

// recordBatch handles POST /v1/records/batch: the records of a kiosk's outbox in one request and
// one commit. Each record keeps its own idempotency key, in the same key space as
// POST /v1/records, so a record delivered alone and again in a batch is a duplicate. A refused
// record changes nothing and does not stop the others; a failure of the commit fails the batch,
// which the kiosk sends again.
func (s *Server) recordBatch(w http.ResponseWriter, r *http.Request) {
	c, body, aerr := s.preamble(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	req, err := decodeInto[struct {
		Records []recordBody `json:"records"`
	}](body)
	if err != nil {
		writeError(w, badRequest("record batch: %v", err))
		return
	}
	n := len(req.Records)
	if n == 0 || n > center.MaxBatchRecords {
		writeError(w, badRequest("record batch: %d records, want 1 to %d", n, center.MaxBatchRecords))
		return
	}
	type pending struct {
		i    int
		k    string
		hash []byte
		res  result
	}
	results := make([]center.RecordResult, n)
	refused := func(i int, e *apiError) {
		results[i] = center.RecordResult{Key: req.Records[i].Key, Status: "refused", Code: e.body.Code, Message: e.body.Message}
	}
	var todo []pending
	for i, rb := range req.Records {
		results[i].Key = rb.Key
		if !validKey(rb.Key) {
			refused(i, badRequest("record key: 1-128 of [A-Za-z0-9._:-]"))
			continue
		}
		p := canonical(rb.Payload)
		if len(p) == 0 || p[0] != '{' {
			refused(i, badRequest("record payload: want a JSON object"))
			continue
		}
		h := sha256.New()
		h.Write([]byte(rb.Kind))
		h.Write([]byte{0})
		h.Write(p)
		created := rb.Created
		if created.IsZero() {
			created = s.now()
		}
		rc := call{kiosk: c.kiosk, key: rb.Key}
		res := s.applyRecord(rc, rb.Kind, created, rb.Payload)
		todo = append(todo, pending{i: i, k: c.kiosk + "\x00records\x00" + rb.Key, hash: h.Sum(nil), res: res})
	}
	accepted, _ := json.Marshal(center.RecordAck{Status: "accepted"})
	err = s.write(func(tx *bolt.Tx) error {
		for _, p := range todo {
			var prev storedAnswer
			switch err := getJSON(tx, bktIdem, p.k, &prev); {
			case err == nil && string(prev.ReqHash) == string(p.hash):
				results[p.i] = center.RecordResult{Key: req.Records[p.i].Key, Status: "duplicate"}
				continue
			case err == nil:
				refused(p.i, refuse(http.StatusConflict, center.CodeIdempotencyConflict, "idempotency key already used for another record"))
				continue
			case err != errNotFound:
				return err
			}
			if p.res.err != nil {
				refused(p.i, p.res.err)
				continue
			}
			if p.res.writes != nil {
				// A record's writes check the stored state before they change anything, so a
				// refusal here leaves the transaction as it was.
				if err := p.res.writes(tx); err != nil {
					if ae, ok := asRefusal(err); ok {
						refused(p.i, ae)
						continue
					}
					return err
				}
			}
			if err := putJSON(tx, bktIdem, p.k, storedAnswer{ReqHash: p.hash, Body: accepted, At: s.now()}); err != nil {
				return err
			}
			results[p.i] = center.RecordResult{Key: req.Records[p.i].Key, Status: "accepted"}
		}
		return nil
	})
	if err != nil {
		writeError(w, internal(fmt.Errorf("store record batch: %w", err)))
		return
	}
	for _, p := range todo {
		if results[p.i].Status == "accepted" && p.res.commit != nil {
			p.res.commit()
		}
	}
	b, err := json.Marshal(center.RecordBatchAnswer{Results: results})
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, http.StatusOK, b)
}
