package center_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/document"
)

func rawPost(t *testing.T, hc *http.Client, url, key, body string) (int, center.ErrorBody) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set(center.HeaderIdempotencyKey, key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var eb center.ErrorBody
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &eb); err != nil {
			t.Fatalf("status %d with a body that is not an error object: %q", resp.StatusCode, b)
		}
	}
	return resp.StatusCode, eb
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	s, _ := k.mustLogin(loadCard(t, c, "r101"), center.PurposeIssue)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: k.cr.TLSConfig()}}
	defer hc.CloseIdleConnections()
	big := `{"session_id":"` + strings.Repeat("x", center.MaxBodyBytes) + `"}`
	okIssue := fmt.Sprintf(`{"session_id":%q,"type":"juminhyo","copies":1}`, s.SessionID)
	before, err := c.Counts()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, key, body string
		status                int
		code                  string
	}{
		{"malformed", center.PathIssue, "k1", `{"session_id":`, 400, center.CodeBadRequest},
		{"not an object", center.PathIssue, "k1", `[1,2]`, 400, center.CodeBadRequest},
		{"unknown field", center.PathIssue, "k1", `{"session_id":"x","type":"juminhyo","copies":1,"admin":true}`, 400, center.CodeBadRequest},
		{"trailing data", center.PathIssue, "k1", okIssue + `{}`, 400, center.CodeBadRequest},
		{"oversized", center.PathIssue, "k1", big, 413, center.CodeTooLarge},
		{"no idempotency key", center.PathIssue, "", okIssue, 400, center.CodeIdempotencyRequired},
		{"bad idempotency key", center.PathIssue, "a b", okIssue, 400, center.CodeIdempotencyRequired},
		{"zero copies", center.PathIssue, "k2", fmt.Sprintf(`{"session_id":%q,"type":"juminhyo","copies":0}`, s.SessionID), 400, center.CodeBadRequest},
		{"unknown type", center.PathIssue, "k3", fmt.Sprintf(`{"session_id":%q,"type":"passport","copies":1}`, s.SessionID), 400, center.CodeBadRequest},
		{"wrong types", center.PathIssue, "k4", `{"session_id":1,"type":"juminhyo","copies":"1"}`, 400, center.CodeBadRequest},
		{"unknown session", center.PathIssue, "k5", `{"session_id":"ss_0","type":"juminhyo","copies":1}`, 401, center.CodeSessionExpired},
		{"bad purpose", center.PathChallenge, "k6", `{"purpose":"shopping"}`, 400, center.CodeBadRequest},
		{"garbage certificate", center.PathLogin, "k7", `{"challenge_id":"ch_x","certificate":"AAEC","signature":"AA=="}`, 401, center.CodeChallengeExpired},
		{"record without kind", center.PathRecords, "k8", `{"kind":"","key":"k8","payload":{}}`, 400, center.CodeBadRequest},
		{"record key mismatch", center.PathRecords, "k9", `{"kind":"telemetry","key":"other","payload":{}}`, 400, center.CodeBadRequest},
		{"record payload not object", center.PathRecords, "k10", `{"kind":"telemetry","key":"k10","payload":"x"}`, 400, center.CodeBadRequest},
		{"completion unknown field", center.PathComplete, "k11", `{"issuance_id":"iss_x","printed":1,"paid":1,"extra":1}`, 400, center.CodeBadRequest},
		{"unknown path", "/v1/nothing", "k12", `{}`, 404, center.CodeNotFound},
		{"old version", "/v0/issue", "k13", okIssue, 404, center.CodeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, eb := rawPost(t, hc, c.URL+tc.path, tc.key, tc.body)
			if status != tc.status || eb.Code != tc.code {
				t.Fatalf("got %d %q (%s), want %d %q", status, eb.Code, eb.Message, tc.status, tc.code)
			}
		})
	}
	resp, err := hc.Get(c.URL + center.PathIssue)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	after, err := c.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(before, after) {
		t.Fatalf("bad input changed the store: %v → %v", before, after)
	}
	// Garbage certificate with a live challenge.
	ch, err := k.cl.Challenge(context.Background(), center.NewKey(), center.PurposeIssue)
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.cl.Login(context.Background(), center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: []byte{0x30, 0x03, 1, 2, 3}, Signature: []byte{1}})
	wantRefusal(t, err, center.CodeBadRequest)
}

func TestKioskWithoutCertificate(t *testing.T) {
	c := centertest.Start(t)
	_, cr := c.Client(t, "kiosk-a")
	noCert := &tls.Config{RootCAs: cr.CenterCAs, MinVersion: tls.VersionTLS13}
	cl := center.NewClient(c.URL, noCert)
	defer cl.Close()
	_, err := cl.Health(context.Background())
	wantRefusal(t, err, center.CodeKioskCertRequired)
	_, err = cl.Challenge(context.Background(), center.NewKey(), center.PurposeIssue)
	wantRefusal(t, err, center.CodeKioskCertRequired)
	good, _ := c.Client(t, "kiosk-a")
	h, herr := good.Health(context.Background())
	if herr != nil || h.KioskID != "kiosk-a" || !h.Now.Equal(centertest.DefaultTime) {
		t.Fatalf("health %+v, %v", h, herr)
	}
	var re *center.RefusalError
	if !errors.As(err, &re) || re.Status != http.StatusUnauthorized {
		t.Fatalf("%v: want 401", err)
	}
	// A client that does not trust the center's CA fails the handshake: service unreachable.
	bad := center.NewClient(c.URL, &tls.Config{Certificates: cr.TLSConfig().Certificates, MinVersion: tls.VersionTLS13})
	defer bad.Close()
	_, err = bad.Challenge(context.Background(), center.NewKey(), center.PurposeIssue)
	if !errors.Is(err, center.ErrUnavailable) {
		t.Fatalf("unpinned center: %v, want ErrUnavailable", err)
	}
}

func TestUnknownIssuer(t *testing.T) {
	c := centertest.Start(t)
	k := newKiosk(t, c, "kiosk-a")
	// A card of another center: same JPKI-TEST root names, other keys.
	other := centertest.StartFresh(t)
	foreign := loadCard(t, other, "r101")
	_, _, err := k.login(foreign, center.PurposeIssue, false)
	wantRefusal(t, err, center.CodeUnknownIssuer)
}

func TestClientErrorKinds(t *testing.T) {
	handler := func(status int, body string, delay time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	for _, tc := range []struct {
		name   string
		h      http.HandlerFunc
		target error
		code   string
		perm   bool
	}{
		{"garbage 200", handler(200, "<html>", 0), center.ErrBadResponse, "", false},
		{"4xx without code", handler(403, "{}", 0), center.ErrBadResponse, "", false},
		{"500", handler(500, `{"code":"internal"}`, 0), center.ErrUnavailable, "", false},
		{"503 html", handler(503, "down", 0), center.ErrUnavailable, "", false},
		{"429", handler(429, `{"code":"busy","message":"slow down"}`, 0), nil, "busy", false},
		{"409", handler(409, `{"code":"invalid_state","message":"x"}`, 0), nil, center.CodeInvalidState, true},
		{"slow", handler(200, "{}", 2*time.Second), center.ErrTimeout, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewTLSServer(tc.h)
			defer srv.Close()
			cl := center.NewClient(srv.URL, srv.Client().Transport.(*http.Transport).TLSClientConfig)
			defer cl.Close()
			cl.SetTimeout(300 * time.Millisecond)
			err := cl.DeliverRecord(context.Background(), center.RecordTelemetry, "k1", time.Now(), map[string]int{})
			if tc.target != nil {
				if !errors.Is(err, tc.target) {
					t.Fatalf("got %v, want %v", err, tc.target)
				}
				var re *center.RefusalError
				if errors.As(err, &re) {
					t.Fatalf("%v is also a refusal", err)
				}
				return
			}
			var re *center.RefusalError
			if !errors.As(err, &re) || re.Code != tc.code || re.Permanent() != tc.perm {
				t.Fatalf("got %v, want refusal %q permanent=%v", err, tc.code, tc.perm)
			}
		})
	}
	// Nobody listening.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cl := center.NewClient("https://"+addr, &tls.Config{})
	defer cl.Close()
	_, err = cl.Issue(context.Background(), "k", center.IssueRequest{Type: document.TypeJuminhyo, Copies: 1})
	if !errors.Is(err, center.ErrUnavailable) {
		t.Fatalf("closed port: %v, want ErrUnavailable", err)
	}
}
