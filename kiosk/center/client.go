package center

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// maxAnswerBytes bounds an answer the client reads (ten envelopes of a large 戸籍 fit easily).
const maxAnswerBytes = 8 << 20

// DefaultTimeout bounds one call when the caller's context has no earlier deadline.
const DefaultTimeout = 15 * time.Second

// Client calls the issuing center. It is safe for concurrent use. It never retries by itself:
// the caller retries with the same idempotency key and gets the same answer.
type Client struct {
	base    string
	hc      *http.Client
	timeout time.Duration
}

// NewClient returns a client for the center at baseURL (https://host:port) using tlsConf, which
// must hold the kiosk's certificate and pin the center's CA (see Credentials.TLSConfig).
func NewClient(baseURL string, tlsConf *tls.Config) *Client {
	tr := &http.Transport{
		TLSClientConfig:     tlsConf,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: &http.Client{Transport: tr}, timeout: DefaultTimeout}
}

// SetTimeout changes the per-call timeout (0 = only the caller's context bounds a call).
func (c *Client) SetTimeout(d time.Duration) { c.timeout = d }

// Close drops idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// NewKey returns a fresh random idempotency key (128 bits, hex).
func NewKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("center: random key: %v", err)) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// Health checks that the center answers and accepts this kiosk's certificate.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var out Health
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+PathHealth, nil)
	if err != nil {
		return out, fmt.Errorf("center %s: %w", PathHealth, err)
	}
	err = c.do(ctx, req, PathHealth, &out)
	return out, err
}

// Challenge asks for a login challenge for purpose (PurposeIssue or PurposePINReset).
func (c *Client) Challenge(ctx context.Context, key, purpose string) (Challenge, error) {
	var out Challenge
	err := c.call(ctx, PathChallenge, key, ChallengeRequest{Purpose: purpose}, &out)
	return out, err
}

// Login opens a session with the certificate and the card's signature over LoginMessage.
func (c *Client) Login(ctx context.Context, key string, req LoginRequest) (Session, error) {
	var out Session
	err := c.call(ctx, PathLogin, key, req, &out)
	return out, err
}

// Logout ends a session early (the resident left, or the transaction ended).
func (c *Client) Logout(ctx context.Context, key, sessionID string) error {
	var out OK
	return c.call(ctx, PathLogout, key, SessionRequest{SessionID: sessionID}, &out)
}

// Issue asks for a certificate: the fee and one envelope per copy, bound to this session.
func (c *Client) Issue(ctx context.Context, key string, req IssueRequest) (Issuance, error) {
	var out Issuance
	err := c.call(ctx, PathIssue, key, req, &out)
	return out, err
}

// RegisterKoseki files the 戸籍証明書交付の利用登録申請 for the session's resident.
func (c *Client) RegisterKoseki(ctx context.Context, key, sessionID string) (KosekiRegistration, error) {
	var out KosekiRegistration
	err := c.call(ctx, PathKosekiRegister, key, SessionRequest{SessionID: sessionID}, &out)
	return out, err
}

// Complete reports a printed and paid issuance. key is the record's idempotency key: the same
// record delivered later through DeliverRecord with the same key is a duplicate.
func (c *Client) Complete(ctx context.Context, key string, r CompletionRecord) error {
	return c.record(ctx, PathComplete, key, r)
}

// Void reports an issuance that will not be (fully) printed.
func (c *Client) Void(ctx context.Context, key string, r VoidRecord) error {
	return c.record(ctx, PathVoid, key, r)
}

// Refund reports money returned for a voided issuance.
func (c *Client) Refund(ctx context.Context, key string, r RefundRecord) error {
	return c.record(ctx, PathRefund, key, r)
}

// AuthorizePINReset asks for a one-time reset command for the card that gave CardChallenge.
func (c *Client) AuthorizePINReset(ctx context.Context, key string, req PINResetRequest) (PINResetCommand, error) {
	var out PINResetCommand
	err := c.call(ctx, PathPINReset, key, req, &out)
	return out, err
}

// ReportPINReset reports the card's answer to a reset command.
func (c *Client) ReportPINReset(ctx context.Context, key string, r PINResetResult) error {
	return c.record(ctx, PathPINResetResult, key, r)
}

// DeliverRecord delivers one outbox record (POST /v1/records). It returns nil when the center
// accepted it now or had it already; a *RefusalError whose Permanent() is true when the center
// will never accept it.
func (c *Client) DeliverRecord(ctx context.Context, kind, key string, created time.Time, payload any) error {
	var ack RecordAck
	err := c.call(ctx, PathRecords, key, Record{Kind: kind, Key: key, Created: created, Payload: payload}, &ack)
	if err != nil {
		return err
	}
	if ack.Status != "accepted" && ack.Status != "duplicate" {
		return fmt.Errorf("%w: record %s: status %q", ErrBadResponse, kind, ack.Status)
	}
	return nil
}

// DeliverRecords sends records in one POST /v1/records/batch under batchKey and returns the
// center's answer to each, in order. An error means the batch as a whole failed (transport,
// timeout, 5xx, garbage) and may be sent again: every record keeps its own idempotency key.
func (c *Client) DeliverRecords(ctx context.Context, batchKey string, recs []Record) ([]RecordResult, error) {
	var ans RecordBatchAnswer
	if err := c.call(ctx, PathRecordsBatch, batchKey, RecordBatch{Records: recs}, &ans); err != nil {
		return nil, err
	}
	if len(ans.Results) != len(recs) {
		return nil, fmt.Errorf("%w: record batch: %d results for %d records", ErrBadResponse, len(ans.Results), len(recs))
	}
	for i, r := range ans.Results {
		switch {
		case r.Key != recs[i].Key:
			return nil, fmt.Errorf("%w: record batch: result %d is for key %q, not %q", ErrBadResponse, i, r.Key, recs[i].Key)
		case r.Status != "accepted" && r.Status != "duplicate" && r.Status != "refused":
			return nil, fmt.Errorf("%w: record batch: status %q", ErrBadResponse, r.Status)
		}
	}
	return ans.Results, nil
}

func (c *Client) record(ctx context.Context, path, key string, body any) error {
	var ack RecordAck
	if err := c.call(ctx, path, key, body, &ack); err != nil {
		return err
	}
	if ack.Status != "accepted" && ack.Status != "duplicate" {
		return fmt.Errorf("%w: %s: status %q", ErrBadResponse, path, ack.Status)
	}
	return nil
}

// call POSTs body as JSON with the idempotency key and decodes a 2xx answer into out.
func (c *Client) call(ctx context.Context, path, key string, body, out any) error {
	if key == "" {
		return fmt.Errorf("center %s: empty idempotency key", path)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("center %s: encode request: %w", path, err)
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("center %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderIdempotencyKey, key)
	return c.do(ctx, req, path, out)
}

// do sends req and decodes a 2xx answer into out; see the package doc for the error kinds.
func (c *Client) do(ctx context.Context, req *http.Request, path string, out any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return classify(ctx, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return classify(ctx, path, err)
	}
	if len(data) > maxAnswerBytes {
		return fmt.Errorf("%w: %s: answer over %d bytes", ErrBadResponse, path, maxAnswerBytes)
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrBadResponse, path, err)
		}
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		var eb ErrorBody
		if err := json.Unmarshal(data, &eb); err != nil || eb.Code == "" {
			return fmt.Errorf("%w: %s: status %d without an error code", ErrBadResponse, path, resp.StatusCode)
		}
		return &RefusalError{Status: resp.StatusCode, Code: eb.Code, Message: eb.Message, Details: eb.Details}
	case resp.StatusCode >= 500:
		var eb ErrorBody
		_ = json.Unmarshal(data, &eb) // best effort: a 5xx is unavailable whatever its body says
		return fmt.Errorf("%w: %s: status %d %s", ErrUnavailable, path, resp.StatusCode, eb.Code)
	default:
		return fmt.Errorf("%w: %s: unexpected status %d", ErrBadResponse, path, resp.StatusCode)
	}
}

// classify turns a transport error into ErrTimeout or ErrUnavailable.
func classify(ctx context.Context, path string, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded ||
		(errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %s: %v", ErrTimeout, path, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("center %s: %w", path, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, path, err)
}
