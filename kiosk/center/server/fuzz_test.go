package server_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
)

// fuzzRig is a center with a live issuance session and a PIN-reset session, and the kiosk
// certificate the handler sees as the TLS peer.
type fuzzRig struct {
	c       *centertest.Center
	h       http.Handler
	tls     *tls.ConnectionState
	issue   center.Session
	reset   center.Session
	chal    center.Challenge
	authDER []byte
	sig     []byte
	n       atomic.Int64
}

func newFuzzRig(f *testing.F) *fuzzRig {
	c := centertest.Start(f)
	cl, cr := c.Client(f, "kiosk-fuzz")
	leaf := cr.Certificate.Leaf
	r := &fuzzRig{c: c, h: c.Handler(), tls: &tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf},
		VerifiedChains: [][]*x509.Certificate{{leaf}}}}
	p := c.Card(f, "r101")
	k, err := x509.ParsePKCS8PrivateKey(p.AuthKey)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Reserve("r101", center.CertSignature); err != nil {
		f.Fatal(err)
	}
	login := func(purpose string) (center.Session, center.Challenge, []byte) {
		ch, err := cl.Challenge(context.Background(), center.NewKey(), purpose)
		if err != nil {
			f.Fatal(err)
		}
		d := sha256.Sum256(center.LoginMessage(ch.Nonce, cr.KioskID))
		sig, err := rsa.SignPKCS1v15(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, d[:])
		if err != nil {
			f.Fatal(err)
		}
		s, err := cl.Login(context.Background(), center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: p.AuthCert, Signature: sig})
		if err != nil {
			f.Fatal(err)
		}
		return s, ch, sig
	}
	r.issue, _, _ = login(center.PurposeIssue)
	r.reset, _, _ = login(center.PurposePINReset)
	// A live, unused challenge with a valid signature, so fuzzed logins reach the deep checks.
	ch, err := cl.Challenge(context.Background(), center.NewKey(), center.PurposeIssue)
	if err != nil {
		f.Fatal(err)
	}
	d := sha256.Sum256(center.LoginMessage(ch.Nonce, cr.KioskID))
	r.sig, err = rsa.SignPKCS1v15(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, d[:])
	if err != nil {
		f.Fatal(err)
	}
	r.chal, r.authDER = ch, p.AuthCert
	return r
}

// check sends body to path and fails on anything but a 2xx or a 4xx with an error code.
func (r *fuzzRig) check(t *testing.T, path string, body []byte) {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.TLS = r.tls
	key := "fz" + strconv.FormatInt(r.n.Add(1), 10)
	req.Header.Set(center.HeaderIdempotencyKey, key)
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	if w.Code >= 500 || w.Code < 200 || (w.Code >= 300 && w.Code < 400) {
		t.Fatalf("%s %q: status %d: %s", path, body, w.Code, w.Body.Bytes())
	}
	if !json.Valid(w.Body.Bytes()) {
		t.Fatalf("%s: answer is not JSON: %q", path, w.Body.Bytes())
	}
	if w.Code >= 400 {
		var eb center.ErrorBody
		if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil || eb.Code == "" {
			t.Fatalf("%s: %d without a code: %q", path, w.Code, w.Body.Bytes())
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func commonSeeds(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"a":1}`, `{"session_id":`, "\x00\xff", `{"copies":1e309}`,
		`{"session_id":"x"}{"session_id":"y"}`, `"str"`, `{"session_id":null}`} {
		f.Add([]byte(s))
	}
}

func FuzzChallengeRequest(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add(mustJSON(center.ChallengeRequest{Purpose: center.PurposeIssue}))
	f.Add(mustJSON(center.ChallengeRequest{Purpose: center.PurposePINReset}))
	f.Fuzz(func(t *testing.T, b []byte) { r.check(t, center.PathChallenge, b) })
}

func FuzzLoginRequest(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add(mustJSON(center.LoginRequest{ChallengeID: r.chal.ChallengeID, Certificate: r.authDER, Signature: r.sig}))
	f.Add(mustJSON(center.LoginRequest{ChallengeID: r.chal.ChallengeID, Certificate: r.authDER[:100], Signature: r.sig}))
	f.Add(mustJSON(center.LoginRequest{ChallengeID: r.chal.ChallengeID, Certificate: r.authDER, Signature: r.sig[:10]}))
	f.Add([]byte(fmt.Sprintf(`{"challenge_id":%q,"certificate":"MAA=","signature":""}`, r.chal.ChallengeID)))
	f.Fuzz(func(t *testing.T, b []byte) { r.check(t, center.PathLogin, b) })
}

func FuzzIssueRequest(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add(mustJSON(center.IssueRequest{SessionID: r.issue.SessionID, Type: "juminhyo", Copies: 1}))
	f.Add(mustJSON(center.IssueRequest{SessionID: r.issue.SessionID, Type: "juminhyo", Options: []string{"my_number", "household_head"}, Members: []string{"m1", "m2"}, Copies: 2}))
	f.Add(mustJSON(center.IssueRequest{SessionID: r.issue.SessionID, Type: "koseki_zenbu", Copies: -1}))
	f.Add(mustJSON(center.IssueRequest{SessionID: r.issue.SessionID, Type: "inkan", Members: []string{"m1", "m1"}, Copies: 1}))
	f.Add(mustJSON(center.IssueRequest{SessionID: r.reset.SessionID, Type: "shotoku", Copies: 1}))
	f.Fuzz(func(t *testing.T, b []byte) { r.check(t, center.PathIssue, b) })
}

func FuzzPINResetRequest(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add(mustJSON(center.PINResetRequest{SessionID: r.reset.SessionID, PIN: center.CertSignature, CardChallenge: make([]byte, 16)}))
	f.Add(mustJSON(center.PINResetRequest{SessionID: r.reset.SessionID, PIN: center.CertAuth, CardChallenge: make([]byte, 15)}))
	f.Add(mustJSON(center.PINResetRequest{SessionID: r.reset.SessionID, ReservationID: "rv_x", PIN: center.CertSignature, CardChallenge: make([]byte, 16)}))
	f.Fuzz(func(t *testing.T, b []byte) { r.check(t, center.PathPINReset, b) })
}

func FuzzSessionRequest(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add(mustJSON(center.SessionRequest{SessionID: r.issue.SessionID}))
	f.Add(mustJSON(center.SessionRequest{SessionID: r.reset.SessionID}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r.check(t, center.PathKosekiRegister, b)
		r.check(t, center.PathLogout, b)
	})
}

func FuzzRecord(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add([]byte(`{"kind":"telemetry","key":"fz1","created":"2026-11-25T10:00:00Z","payload":{"paper":"low"}}`))
	f.Add([]byte(`{"kind":"completion","key":"fz1","payload":{"issuance_id":"iss_x","printed":1,"paid":200}}`))
	f.Add([]byte(`{"kind":"refund","key":"fz1","payload":{"issuance_id":"iss_x","amount":-5}}`))
	f.Add([]byte(`{"kind":"pin_reset_result","key":"fz1","payload":{"reset_id":"rs_x","ok":true}}`))
	f.Add([]byte(`{"kind":"journal","key":"fz1","created":"not a time","payload":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r.check(t, center.PathRecords, b)
		r.check(t, center.PathComplete, b)
		r.check(t, center.PathVoid, b)
		r.check(t, center.PathRefund, b)
		r.check(t, center.PathPINResetResult, b)
	})
}

func FuzzRecordBatch(f *testing.F) {
	r := newFuzzRig(f)
	commonSeeds(f)
	f.Add([]byte(`{"records":[{"kind":"telemetry","key":"fzb1","created":"2026-11-25T10:00:00Z","payload":{"paper":"low"}}]}`))
	f.Add([]byte(`{"records":[{"kind":"completion","key":"fzb2","payload":{"issuance_id":"iss_x","printed":1}},{"kind":"void","key":"fzb2","payload":{}}]}`))
	f.Add([]byte(`{"records":[]}`))
	f.Add([]byte(`{"records":null}`))
	f.Add([]byte(`{"records":[{"kind":"refund","key":"","payload":{"amount":-1}}],"extra":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r.check(t, center.PathRecordsBatch, b)
	})
}
