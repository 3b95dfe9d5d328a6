// Package httpdeliver is an outbox.Deliverer that posts records to the center's
// `POST /v1/records` endpoint. It lets `kioskctl outbox drain` and the tests speak the center's
// wire without depending on kiosk/center; the firmware may use the center client instead.
//
// The wire: the body is {"kind","key","created","payload":{…}} with the Idempotency-Key header
// set to the key. For the kinds the center defines a payload for (completion, void, refund,
// pin_reset_result; kiosk/center/api.go) CenterPayload maps the record's Payload onto the
// center's field names; other kinds carry the Payload as it is. The center answers 200 {"status":"accepted"} or {"status":"duplicate"} when it has the record; 4xx other
// than 408 and 429, with {"code","message"}, when it refuses the record for good; anything else
// (5xx, 408, 429, a timeout, a broken connection, a body that is not the JSON above) is
// transient.
//
// This package must never import kiosk/center or the session machine.
package httpdeliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"certkiosk/kiosk/outbox"
)

// Path is the endpoint records are posted to, relative to the center's base URL.
const Path = "/v1/records"

// maxBody bounds how much of an answer is read.
const maxBody = 64 << 10

// Deliverer posts records to one center.
type Deliverer struct {
	url    string
	client *http.Client
}

// New returns a Deliverer for the center at baseURL (for example https://center.example:8443).
// A nil client means a client with a 30-second timeout.
func New(baseURL string, client *http.Client) *Deliverer {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Deliverer{url: strings.TrimRight(baseURL, "/") + Path, client: client}
}

// RefusedError is the center's permanent refusal of a record.
type RefusedError struct {
	Status  int
	Code    string
	Message string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("center refused the record: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// Permanent marks the refusal as final for outbox.
func (e *RefusedError) Permanent() bool { return true }

// ErrBadAnswer is wrapped when the center's answer cannot be understood (a transient error: the
// record is tried again).
var ErrBadAnswer = errors.New("center answer not understood")

// Deliver implements outbox.Deliverer.
func (d *Deliverer) Deliver(ctx context.Context, r outbox.Record) error {
	body, err := json.Marshal(struct {
		Kind    outbox.Kind `json:"kind"`
		Key     outbox.ID   `json:"key"`
		Created time.Time   `json:"created"`
		Payload any         `json:"payload"`
	}{r.Kind, r.Key, r.Created, CenterPayload(r)})
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("POST %s: %w", Path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", string(r.Key))
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("POST %s: read answer: %w", Path, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		var ok struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(raw, &ok); err != nil {
			return fmt.Errorf("POST %s: %w: HTTP 200 with %s", Path, ErrBadAnswer, snippet(raw))
		}
		if ok.Status != "accepted" && ok.Status != "duplicate" {
			return fmt.Errorf("POST %s: %w: status %q", Path, ErrBadAnswer, ok.Status)
		}
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 &&
		resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		var ref struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(raw, &ref); err != nil || ref.Code == "" {
			// A refusal must say why; a 4xx without the body (a proxy's error page, say) is
			// not trusted as the center's final word.
			return fmt.Errorf("POST %s: %w: HTTP %d with %s", Path, ErrBadAnswer, resp.StatusCode, snippet(raw))
		}
		return fmt.Errorf("POST %s: %w", Path, &RefusedError{Status: resp.StatusCode, Code: ref.Code, Message: ref.Message})
	default:
		return fmt.Errorf("POST %s: HTTP %d: %s", Path, resp.StatusCode, snippet(raw))
	}
}

// The center's payloads, field for field (kiosk/center/api.go). The center refuses unknown
// fields, so each kind sends exactly these.
type (
	completionWire struct {
		IssuanceID outbox.ID `json:"issuance_id"`
		Printed    int       `json:"printed"`
		Paid       int64     `json:"paid"`
	}
	voidWire struct {
		IssuanceID outbox.ID   `json:"issuance_id"`
		Reason     outbox.Code `json:"reason"`
		Printed    int         `json:"printed"`
	}
	refundWire struct {
		IssuanceID outbox.ID `json:"issuance_id"`
		Amount     int64     `json:"amount"`
	}
	pinResetWire struct {
		ResetID outbox.ID `json:"reset_id"`
		OK      bool      `json:"ok"`
		SW      string    `json:"sw,omitempty"`
	}
)

// CenterPayload is the payload the center expects for r's kind: completion {issuance_id,
// printed, paid ← AmountYen}, void {issuance_id, reason ← Code, printed}, refund {issuance_id,
// amount ← AmountYen}, pin_reset_result {reset_id ← ReservationID, ok ← Code == "ok", sw}. Any
// other kind gets its Payload unchanged. A center client adapter can reuse it.
func CenterPayload(r outbox.Record) any {
	p := r.Payload
	switch r.Kind {
	case outbox.KindCompletion:
		return completionWire{p.IssuanceID, p.Printed, p.AmountYen}
	case outbox.KindVoid:
		return voidWire{p.IssuanceID, p.Code, p.Printed}
	case outbox.KindRefund:
		return refundWire{p.IssuanceID, p.AmountYen}
	case outbox.KindPINReset:
		return pinResetWire{p.ReservationID, p.Code == "ok", p.SW}
	}
	return p
}

func snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return fmt.Sprintf("%q…", b[:n])
	}
	return fmt.Sprintf("%q", b)
}

// TLSConfig builds a mutual-TLS client configuration from PEM files: the kiosk's certificate
// and key, and the CA that signs the center's certificate (pinned: the system roots are not used).
func TLSConfig(certFile, keyFile, caFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return nil, errors.New("tls: a client certificate needs both -cert and -key")
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("tls: load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("tls: read center CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: %s holds no PEM certificate", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
