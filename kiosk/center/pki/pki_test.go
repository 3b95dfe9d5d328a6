package pki

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

func TestJPKIHierarchy(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	roots, err := NewJPKIRoots(KindAuth, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != Generations {
		t.Fatalf("%d roots, want %d", len(roots), Generations)
	}
	var certs []*x509.Certificate
	for _, r := range roots {
		if string(r.Cert.RawSubject) != string(roots[0].Cert.RawSubject) {
			t.Fatal("root generations do not share one subject name")
		}
		certs = append(certs, r.Cert)
	}
	key, err := NewRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	// Issued by the middle generation: a check by name alone would try the first root and fail.
	der, err := IssueJPKI(roots[1], &key.PublicKey, Leaf{Kind: KindAuth, CN: NewCertID(), Serial: RandSerial(),
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(4, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.Subject.Names) != 2 || cert.Subject.Country[0] != "JP" || len(cert.Subject.CommonName) != 23 {
		t.Fatalf("subject %v: want C=JP, CN=<23-char id> only", cert.Subject)
	}
	idx, err := VerifyJPKI(cert, certs, KindAuth, now)
	if err != nil || idx != 1 {
		t.Fatalf("VerifyJPKI = %d, %v; want root 1", idx, err)
	}
	if _, err := VerifyJPKI(cert, certs, KindSignature, now); !errors.Is(err, ErrProfile) {
		t.Fatalf("auth certificate checked as signature: %v, want ErrProfile", err)
	}
	if _, err := VerifyJPKI(cert, []*x509.Certificate{certs[0], certs[2]}, KindAuth, now); !errors.Is(err, ErrUnknownIssuer) {
		t.Fatalf("without its root: %v, want ErrUnknownIssuer", err)
	}
	if _, err := VerifyJPKI(cert, certs, KindAuth, now.AddDate(5, 0, 0)); !errors.Is(err, ErrExpired) {
		t.Fatalf("after expiry: %v, want ErrExpired", err)
	}
	if _, err := VerifyJPKI(cert, certs, KindAuth, now.AddDate(-2, 0, 0)); !errors.Is(err, ErrNotYetValid) {
		t.Fatalf("before validity: %v, want ErrNotYetValid", err)
	}
}

func TestSignatureCertificateCarriesBasicInfo(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	roots, err := NewJPKIRoots(KindSignature, now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := NewRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	info := SignatureInfo{Name: "山田　太郎", Sex: "1", Birth: "319800401", Address: "東京都みどり野市一丁目1番1号",
		Prefecture: "Tokyo-to", City: "Midorino-shi"}
	der, err := IssueJPKI(roots[2], &key.PublicKey, Leaf{Kind: KindSignature, CN: NewCertID(), Serial: RandSerial(),
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(4, 0, 0), Info: info})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if cert.KeyUsage&x509.KeyUsageContentCommitment == 0 {
		t.Fatal("signature certificate lacks nonRepudiation")
	}
	got, err := ParseSignatureInfo(cert)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		OIDName.String(): info.Name, OIDSex.String(): "1", OIDBirth.String(): "319800401",
		OIDAddress.String(): info.Address, OIDNameAlt.String(): "00000",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("otherName %s = %q, want %q", k, got[k], v)
		}
	}
	roots3 := []*x509.Certificate{roots[0].Cert, roots[1].Cert, roots[2].Cert}
	if idx, err := VerifyJPKI(cert, roots3, KindSignature, now); err != nil || idx != 2 {
		t.Fatalf("VerifyJPKI = %d, %v", idx, err)
	}
}
