package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/kiosk/outbox"

	bolt "go.etcd.io/bbolt"
)

func obTestRecord(i int) outbox.Record {
	return outbox.Record{
		Kind: outbox.KindCompletion, Key: outbox.ID(fmt.Sprintf("cmpl-%04d", i)),
		Created: time.Date(2026, 11, 22, 9, 0, i, 0, time.UTC),
		Payload: outbox.Payload{SessionID: outbox.ID(fmt.Sprintf("sess-%04d", i)), IssuanceID: outbox.ID(fmt.Sprintf("iss-%04d", i)), CertType: "juminhyo", Copies: 1, AmountYen: 200},
	}
}

// obTestFile makes a real outbox file with n records and n journal entries.
func obTestFile(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := outbox.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := ob.Append(obTestRecord(i)); err != nil {
			t.Fatal(err)
		}
		if _, err := ob.Journal().Append(outbox.EntryIssuance, outbox.Payload{IssuanceID: outbox.ID(fmt.Sprintf("iss-%04d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func obCtl(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	rc := run(args, &out, &errb)
	return rc, out.String(), errb.String()
}

func TestOutboxStatusAndDump(t *testing.T) {
	path := obTestFile(t, 3)
	rc, out, errs := obCtl("outbox", "status", "-db", path)
	if rc != 0 {
		t.Fatalf("status rc %d: %s", rc, errs)
	}
	for _, want := range []string{"pending:         3", "dead letters:    0", "capacity:        10000 (headroom 9997)", "oldest:          2026-11-22T09:00:00Z", "journal:         3 entries, head seq 3", "last delivered:  never"} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
	rc, out, _ = obCtl("outbox", "status", "-json", "-capacity", "3", "-db", path)
	var st struct {
		Pending, Headroom int
	}
	if rc != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Pending != 3 || st.Headroom != 0 {
		t.Errorf("status -json = %d %q", rc, out)
	}

	rc, out, errs = obCtl("outbox", "dump", "-db", path)
	if rc != 0 {
		t.Fatalf("dump rc %d: %s", rc, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("dump printed %d lines, want 3:\n%s", len(lines), out)
	}
	var d struct {
		State string
		Seq   uint64
		outbox.Record
	}
	if err := json.Unmarshal([]byte(lines[1]), &d); err != nil {
		t.Fatal(err)
	}
	if d.State != "pending" || d.Seq != 2 || d.Key != "cmpl-0001" || d.Payload != obTestRecord(1).Payload {
		t.Errorf("dump line 2 = %+v", d)
	}
}

func TestOutboxCommandsOnMissingLockedCorruptFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	if rc, _, errs := obCtl("outbox", "status", "-db", missing); rc != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("status of a missing file: rc %d, %q", rc, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("status created the missing file")
	}
	if rc, _, errs := obCtl("outbox", "drain", "-center", "http://127.0.0.1:1", "-db", missing); rc != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("drain of a missing file: rc %d, %q", rc, errs)
	}

	path := obTestFile(t, 1)
	ob, err := outbox.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, _, errs := obCtl("outbox", "status", "-db", path)
	ob.Close()
	if rc != 1 || !strings.Contains(errs, "locked") || !strings.Contains(errs, "kiosk running") {
		t.Errorf("status of a locked file: rc %d, %q", rc, errs)
	}

	garbage := bytes.Repeat([]byte("garbage!"), 4096)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	rc, _, errs = obCtl("outbox", "status", "-db", path)
	if rc != 1 || !strings.Contains(errs, "corrupt") || !strings.Contains(errs, "move-aside") {
		t.Errorf("status of a corrupt file: rc %d, %q", rc, errs)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, garbage) {
		t.Fatal("status changed a corrupt file")
	}
	rc, out, errs := obCtl("outbox", "move-aside", "-db", path)
	if rc != 0 || !strings.Contains(out, ".corrupt-") {
		t.Fatalf("move-aside: rc %d, %q %q", rc, out, errs)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file still at %s after move-aside", path)
	}
	if rc, _, _ := obCtl("outbox", "bogus"); rc != 2 {
		t.Errorf("unknown subcommand rc %d, want 2", rc)
	}
	if rc, _, _ := obCtl("outbox", "drain", "-db", path); rc != 2 {
		t.Errorf("drain without -center rc %d, want 2", rc)
	}
}

// obRecordsCenter implements the center's POST /v1/records wire for the drain test.
type obRecordsCenter struct {
	mu     sync.Mutex
	keys   []string
	refuse string
}

func (c *obRecordsCenter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rec outbox.Record
	if r.URL.Path != "/v1/records" || json.NewDecoder(r.Body).Decode(&rec) != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code":"bad_request","message":"not a record"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if string(rec.Key) == c.refuse {
		w.WriteHeader(http.StatusConflict)
		fmt.Fprint(w, `{"code":"already_voided","message":"issuance was voided"}`)
		return
	}
	c.mu.Lock()
	c.keys = append(c.keys, string(rec.Key))
	c.mu.Unlock()
	fmt.Fprint(w, `{"status":"accepted"}`)
}

// obTestPKI writes a CA, a server certificate for 127.0.0.1 and a client certificate (PEM files).
func obTestPKI(t *testing.T) (dir string, serverCert tls.Certificate, pool *x509.CertPool) {
	t.Helper()
	dir = t.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test center CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	issue := func(serial int64, server bool) (certPEM, keyPEM []byte) {
		k := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: fmt.Sprintf("leaf-%d", serial)},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
		if server {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
			tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		} else {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(k)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	}
	sc, sk := issue(2, true)
	serverCert, err = tls.X509KeyPair(sc, sk)
	if err != nil {
		t.Fatal(err)
	}
	cc, ck := issue(3, false)
	for name, b := range map[string][]byte{
		"ca.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), "kiosk.pem": cc, "kiosk.key": ck,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, serverCert, pool
}

func TestOutboxDrainOverMutualTLS(t *testing.T) {
	path := obTestFile(t, 5)
	pki, serverCert, pool := obTestPKI(t)
	c := &obRecordsCenter{refuse: "cmpl-0002"}
	srv := httptest.NewUnstartedServer(c)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()

	// Without the client certificate the center does not talk to us: nothing is lost.
	rc, out, errs := obCtl("outbox", "drain", "-db", path, "-center", srv.URL, "-ca", filepath.Join(pki, "ca.pem"), "-timeout", "5s")
	if rc != 1 || !strings.Contains(out, "delivered 0") || !strings.Contains(out, "5 pending") {
		t.Fatalf("drain without a client certificate: rc %d, %q %q", rc, out, errs)
	}

	rc, out, errs = obCtl("outbox", "drain", "-db", path, "-center", srv.URL,
		"-cert", filepath.Join(pki, "kiosk.pem"), "-key", filepath.Join(pki, "kiosk.key"), "-ca", filepath.Join(pki, "ca.pem"))
	if rc != 0 {
		t.Fatalf("drain rc %d: %s %s", rc, out, errs)
	}
	if !strings.Contains(out, "delivered 4, refused 1") || !strings.Contains(out, "0 pending, 1 dead letters") {
		t.Errorf("drain output %q", out)
	}
	if got := strings.Join(c.keys, ","); got != "cmpl-0000,cmpl-0001,cmpl-0003,cmpl-0004" {
		t.Errorf("center got %s", got)
	}
	rc, out, _ = obCtl("outbox", "dump", "-db", path)
	if rc != 0 || !strings.Contains(out, `"state":"dead"`) || !strings.Contains(out, "already_voided") {
		t.Errorf("dump after drain: %q", out)
	}
	rc, out, _ = obCtl("outbox", "status", "-db", path)
	if rc != 0 || !strings.Contains(out, "dead letters:    1") || !strings.Contains(out, "already_voided") {
		t.Errorf("status after drain: %q", out)
	}
	rc, out, _ = obCtl("outbox", "requeue", "-db", path)
	if rc != 0 || !strings.Contains(out, "requeued 1") {
		t.Errorf("requeue: %d %q", rc, out)
	}
	rc, out, _ = obCtl("outbox", "status", "-db", path)
	if rc != 0 || !strings.Contains(out, "pending:         1") || !strings.Contains(out, "dead letters:    0") {
		t.Errorf("status after requeue: %q", out)
	}
	if rc, _, errs := obCtl("outbox", "drain", "-db", path, "-center", srv.URL, "-cert", filepath.Join(pki, "kiosk.pem")); rc != 1 || !strings.Contains(errs, "-key") {
		t.Errorf("drain with -cert but no -key: rc %d %q", rc, errs)
	}
}

func TestJournalVerifyAndShow(t *testing.T) {
	path := obTestFile(t, 6)
	rc, out, errs := obCtl("journal", "verify", "-db", path)
	if rc != 0 || !strings.Contains(out, "journal OK: 6 entries, seq 1 to 6") {
		t.Fatalf("verify: rc %d %q %q", rc, out, errs)
	}
	rc, out, _ = obCtl("journal", "show", "-n", "2", "-db", path)
	if rc != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, `"seq":5`) || !strings.Contains(out, `"seq":6`) {
		t.Errorf("show -n 2: %q", out)
	}

	// Edit entry 4 behind the package's back.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		j := tx.Bucket([]byte("journal"))
		k := make([]byte, 8)
		binary.BigEndian.PutUint64(k, 4)
		v := bytes.Replace(j.Get(k), []byte(`"iss-0003"`), []byte(`"iss-0009"`), 1)
		return j.Put(k, v)
	})
	db.Close()
	rc, _, errs = obCtl("journal", "verify", "-db", path)
	if rc != 1 || !strings.Contains(errs, "at seq 4") || !strings.Contains(errs, "edited") {
		t.Errorf("verify of an edited journal: rc %d %q", rc, errs)
	}
	if rc, _, errs := obCtl("journal", "prune", "-keep", "1h", "-db", path); rc != 1 || !strings.Contains(errs, "does not verify") {
		t.Errorf("prune of a broken journal: rc %d %q", rc, errs)
	}
}
