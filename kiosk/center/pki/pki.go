package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// RSABits is the JPKI key size.
const RSABits = 2048

// Kinds of JPKI hierarchy.
const (
	KindAuth      = "auth"
	KindSignature = "signature"
)

// OIDs of the JPKI profile.
var (
	OIDPolicyAuth    = []uint64{1, 2, 392, 200149, 8, 5, 1, 3, 30} // jpki-cp-auth-class30
	OIDPolicySigTest = []uint64{1, 2, 392, 200149, 8, 5, 1, 0, 20} // JPKI-TEST signature policy
	OIDName          = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 1}
	OIDNameAlt       = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 2}
	OIDSex           = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 3}
	OIDBirth         = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 4}
	OIDAddress       = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 5}
	OIDAddressAlt    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 6}
	oidSAN           = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// Errors of VerifyJPKI a caller maps to refusal codes.
var (
	ErrUnknownIssuer = errors.New("pki: no trusted root signed this certificate")
	ErrNotYetValid   = errors.New("pki: certificate not yet valid")
	ErrExpired       = errors.New("pki: certificate expired")
	ErrProfile       = errors.New("pki: certificate does not follow the JPKI profile")
)

// CA is a certificate authority with its key.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// RootName is the subject (and issuer) name shared by every generation of a hierarchy.
func RootName(kind string) pkix.Name {
	ou := "JPKI for user authentication"
	if kind == KindSignature {
		ou = "JPKI for digital signature"
	}
	return pkix.Name{
		Country:            []string{"JP"},
		Organization:       []string{"JPKI-TEST"},
		OrganizationalUnit: []string{ou, "Japan Agency for Local Authority Information Systems"},
	}
}

// Generations of J-LIS roots: validity of each, relative to the year of the PKI's creation so
// that all three overlap now, like authca01..03 did in 2023–2025.
var generations = []struct{ fromYears, toYears int }{{-8, 2}, {-4, 6}, {-1, 9}}

// Generations is how many root generations NewJPKIRoots makes.
const Generations = 3

// NewJPKIRoots makes the three root generations of one hierarchy, all with RootName(kind).
func NewJPKIRoots(kind string, now time.Time) ([]CA, error) {
	cas := make([]CA, 0, len(generations))
	for i, g := range generations {
		key, err := rsa.GenerateKey(rand.Reader, RSABits)
		if err != nil {
			return nil, fmt.Errorf("%s root %d: %w", kind, i+1, err)
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(int64(i + 1)),
			Subject:               RootName(kind),
			NotBefore:             now.AddDate(g.fromYears, 0, 0),
			NotAfter:              now.AddDate(g.toYears, 0, 0),
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			SignatureAlgorithm:    x509.SHA256WithRSA,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, fmt.Errorf("%s root %d: %w", kind, i+1, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%s root %d: %w", kind, i+1, err)
		}
		cas = append(cas, CA{Cert: cert, Key: key})
	}
	return cas, nil
}

// SignatureInfo is the 基本4情報 a signature certificate carries in its subjectAltName.
type SignatureInfo struct {
	Name       string // 氏 and 名 separated by a full-width space
	Sex        string // "1" male, "2" female, "3" unknown
	Birth      string // EYYYYMMDD, e.g. 419900102
	Address    string // from the prefecture
	Prefecture string // subject L
	City       string // subject L
}

// Leaf describes a resident certificate to issue.
type Leaf struct {
	Kind      string // KindAuth or KindSignature
	CN        string // opaque certificate id
	Serial    *big.Int
	NotBefore time.Time
	NotAfter  time.Time
	Info      SignatureInfo // KindSignature only
}

// IssueJPKI issues a resident certificate for pub in the JPKI profile and returns its DER.
func IssueJPKI(ca CA, pub *rsa.PublicKey, l Leaf) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber:       l.Serial,
		Subject:            pkix.Name{Country: []string{"JP"}, CommonName: l.CN},
		NotBefore:          l.NotBefore,
		NotAfter:           l.NotAfter,
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	switch l.Kind {
	case KindAuth:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.Policies = []x509.OID{mustOID(OIDPolicyAuth)}
	case KindSignature:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		tmpl.Policies = []x509.OID{mustOID(OIDPolicySigTest)}
		tmpl.Subject.Locality = []string{l.Info.Prefecture, l.Info.City}
		san, err := signatureSAN(l.Info)
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidSAN, Value: san}}
	default:
		return nil, fmt.Errorf("issue JPKI certificate: unknown kind %q", l.Kind)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("issue %s certificate: %w", l.Kind, err)
	}
	return der, nil
}

func mustOID(arcs []uint64) x509.OID {
	o, err := x509.OIDFromInts(arcs)
	if err != nil {
		panic(err)
	}
	return o
}

// signatureSAN encodes GeneralNames of otherName entries: each value an explicit [0] UTF8String.
func signatureSAN(info SignatureInfo) ([]byte, error) {
	items := []struct {
		oid asn1.ObjectIdentifier
		v   string
	}{
		{OIDName, info.Name},
		{OIDNameAlt, zeros(info.Name)},
		{OIDSex, info.Sex},
		{OIDBirth, info.Birth},
		{OIDAddress, info.Address},
		{OIDAddressAlt, zeros(info.Address)},
	}
	var names []asn1.RawValue
	for _, it := range items {
		oid, err := asn1.Marshal(it.oid)
		if err != nil {
			return nil, fmt.Errorf("subjectAltName: %w", err)
		}
		str, err := asn1.MarshalWithParams(it.v, "utf8")
		if err != nil {
			return nil, fmt.Errorf("subjectAltName: %w", err)
		}
		val, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: str})
		if err != nil {
			return nil, fmt.Errorf("subjectAltName: %w", err)
		}
		names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true,
			Bytes: append(oid, val...)})
	}
	b, err := asn1.Marshal(names)
	if err != nil {
		return nil, fmt.Errorf("subjectAltName: %w", err)
	}
	return b, nil
}

// zeros is the "no substitute characters" marker: one 0 per character.
func zeros(s string) string {
	b := make([]byte, 0, len(s))
	for range s {
		b = append(b, '0')
	}
	return string(b)
}

// ParseSignatureInfo reads the 基本4情報 otherNames from a signature certificate.
func ParseSignatureInfo(cert *x509.Certificate) (map[string]string, error) {
	out := map[string]string{}
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidSAN) {
			continue
		}
		var names []asn1.RawValue
		if rest, err := asn1.Unmarshal(ext.Value, &names); err != nil || len(rest) != 0 {
			return nil, fmt.Errorf("%w: subjectAltName: %v", ErrProfile, err)
		}
		for _, n := range names {
			if n.Class != asn1.ClassContextSpecific || n.Tag != 0 {
				continue
			}
			var oid asn1.ObjectIdentifier
			rest, err := asn1.Unmarshal(n.Bytes, &oid)
			if err != nil {
				return nil, fmt.Errorf("%w: otherName type: %v", ErrProfile, err)
			}
			var wrap asn1.RawValue
			if _, err := asn1.Unmarshal(rest, &wrap); err != nil {
				return nil, fmt.Errorf("%w: otherName value: %v", ErrProfile, err)
			}
			var s string
			if _, err := asn1.UnmarshalWithParams(wrap.Bytes, &s, "utf8"); err != nil {
				return nil, fmt.Errorf("%w: otherName string: %v", ErrProfile, err)
			}
			out[oid.String()] = s
		}
	}
	return out, nil
}

// VerifyJPKI checks that cert was issued by one of roots (chosen by signature: every generation
// shares one name), that both are valid at now, and that cert follows the profile of its kind.
// It returns the index of the root that signed it.
func VerifyJPKI(cert *x509.Certificate, roots []*x509.Certificate, kind string, now time.Time) (int, error) {
	idx := -1
	for i, r := range roots {
		if !bytesEqual(r.RawSubject, cert.RawIssuer) {
			continue
		}
		if cert.CheckSignatureFrom(r) == nil {
			idx = i
			break
		}
	}
	if idx < 0 {
		return -1, ErrUnknownIssuer
	}
	r := roots[idx]
	if now.Before(cert.NotBefore) || now.Before(r.NotBefore) {
		return idx, ErrNotYetValid
	}
	if now.After(cert.NotAfter) || now.After(r.NotAfter) {
		return idx, ErrExpired
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != RSABits {
		return idx, fmt.Errorf("%w: key is not RSA-%d", ErrProfile, RSABits)
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return idx, fmt.Errorf("%w: keyUsage lacks digitalSignature", ErrProfile)
	}
	want := mustOID(OIDPolicyAuth)
	if kind == KindSignature {
		want = mustOID(OIDPolicySigTest)
	}
	found := false
	for _, p := range cert.Policies {
		if p.Equal(want) {
			found = true
		}
	}
	if !found {
		return idx, fmt.Errorf("%w: policy %s missing", ErrProfile, want)
	}
	return idx, nil
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// NewECCA makes an ECDSA P-256 CA (kiosk device CA, center TLS CA), valid from the real clock.
func NewECCA(cn string, now time.Time) (CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CA{}, fmt.Errorf("CA %s: %w", cn, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randSerial(),
		Subject:               pkix.Name{Organization: []string{"certkiosk test"}, CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return CA{}, fmt.Errorf("CA %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return CA{}, fmt.Errorf("CA %s: %w", cn, err)
	}
	return CA{Cert: cert, Key: key}, nil
}

// IssueTLS issues an ECDSA P-256 TLS certificate: a server certificate for hosts (DNS names or IP
// addresses) when server is true, else a client certificate whose CN is cn (the kiosk id).
func IssueTLS(ca CA, cn string, hosts []string, server bool, now time.Time) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("TLS certificate %s: %w", cn, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randSerial(),
		Subject:      pkix.Name{Organization: []string{"certkiosk test"}, CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("TLS certificate %s: %w", cn, err)
	}
	return der, key, nil
}

func randSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("pki: random serial: %v", err))
	}
	return n
}

// RandSerial returns a random positive 127-bit serial number.
func RandSerial() *big.Int { return randSerial() }

// NewRSAKey makes a JPKI key pair (RSA-2048, e = 65537).
func NewRSAKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, RSABits)
	if err != nil {
		return nil, fmt.Errorf("RSA key: %w", err)
	}
	return k, nil
}

// certAlphabet is what an opaque certificate id is made of.
const certAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewCertID returns a random opaque certificate id of 23 characters (like 997794E9AGCIEG13221003A):
// it carries nothing about the holder.
func NewCertID() string {
	b := make([]byte, 23)
	max := big.NewInt(int64(len(certAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(fmt.Sprintf("pki: random id: %v", err))
		}
		b[i] = certAlphabet[n.Int64()]
	}
	return string(b)
}
