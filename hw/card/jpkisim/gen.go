package jpkisim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"certkiosk/kiosk/jpki/pinreset"
)

// OIDs of the JPKI certificate profile (research/jpki.md §4).
var (
	oidPolicyUserAuth  = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 1, 3, 30}
	oidPolicySignature = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 1, 0, 20} // JPKI-TEST cards
	oidName            = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 1}
	oidSex             = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 3}
	oidBirth           = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 4}
	oidAddress         = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 5}
	oidSubjectAltName  = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// GenOpts describes a test card to generate. Zero values give a valid card with PIN 1234 and
// signature PIN ABC123, valid for five years.
type GenOpts struct {
	Token     string
	AuthPIN   string
	SigPIN    string
	NoSigCert bool // a child's card: user-auth certificate only
	NotBefore time.Time
	NotAfter  time.Time
	// ResetMaster, when set, personalises the card for the PIN-reset stand-in.
	ResetMaster []byte
	// Synthetic holder data for the signature certificate (never a real person's).
	Name, Address, Birth, Sex string
}

// GenerateProfile makes a test CA pair and a card issued by it: RSA-2048 keys, certificates in
// the JPKI profile with O=JPKI-TEST. It takes about a second (four RSA keys).
func GenerateProfile(o GenOpts) (Profile, error) {
	if o.Token == "" {
		o.Token = TokenCard
	}
	if o.AuthPIN == "" {
		o.AuthPIN = "1234"
	}
	if o.SigPIN == "" {
		o.SigPIN = "ABC123"
	}
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-24 * time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.AddDate(5, 0, 0)
	}
	if o.Name == "" {
		o.Name, o.Address, o.Birth, o.Sex = "試験　花子", "東京都試験区試験町一丁目1番1号", "419900102", "2"
	}
	p := Profile{Token: o.Token, AuthPIN: o.AuthPIN}

	authCA, authCAKey, err := makeCA("JPKI for user authentication")
	if err != nil {
		return p, err
	}
	authKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return p, fmt.Errorf("generate user-auth key: %w", err)
	}
	cn := make([]byte, 12)
	if _, err := rand.Read(cn); err != nil {
		return p, err
	}
	authTmpl := &x509.Certificate{
		SerialNumber:       randSerial(),
		Subject:            pkix.Name{Country: []string{"JP"}, CommonName: hex.EncodeToString(cn)},
		NotBefore:          o.NotBefore,
		NotAfter:           o.NotAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature,
		PolicyIdentifiers:  []asn1.ObjectIdentifier{oidPolicyUserAuth},
		SignatureAlgorithm: x509.SHA256WithRSA,
		// Real user-auth certificates are about 1.6 KB, mostly CRL and OCSP pointers; the
		// simulated ones carry the same kind of extensions so reads take as many APDUs.
		CRLDistributionPoints: crlPoints("auth"),
		OCSPServer:            []string{"http://ocsp.jpki-test.invalid/ocsp/auth/responder"},
		IssuingCertificateURL: []string{"http://ca.jpki-test.invalid/certs/auth/jpki-test-auth-ca.cer"},
	}
	if p.AuthCert, err = x509.CreateCertificate(rand.Reader, authTmpl, authCA, &authKey.PublicKey, authCAKey); err != nil {
		return p, fmt.Errorf("issue user-auth certificate: %w", err)
	}
	if p.AuthKey, err = x509.MarshalPKCS8PrivateKey(authKey); err != nil {
		return p, err
	}
	p.AuthCACert = authCA.Raw

	if !o.NoSigCert {
		p.SigPIN = o.SigPIN
		sigCA, sigCAKey, err := makeCA("JPKI for digital signature")
		if err != nil {
			return p, err
		}
		sigKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return p, fmt.Errorf("generate signature key: %w", err)
		}
		san, err := otherNamesSAN([]otherNameValue{
			{oidName, o.Name}, {oidSex, o.Sex}, {oidBirth, o.Birth}, {oidAddress, o.Address},
		})
		if err != nil {
			return p, err
		}
		sigTmpl := &x509.Certificate{
			SerialNumber:          randSerial(),
			Subject:               pkix.Name{Country: []string{"JP"}, Locality: []string{"Tokyo", "Shiken-ku"}, CommonName: hex.EncodeToString(cn) + "S"},
			NotBefore:             o.NotBefore,
			NotAfter:              o.NotAfter,
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
			PolicyIdentifiers:     []asn1.ObjectIdentifier{oidPolicySignature},
			ExtraExtensions:       []pkix.Extension{san},
			SignatureAlgorithm:    x509.SHA256WithRSA,
			CRLDistributionPoints: crlPoints("sign"),
			OCSPServer:            []string{"http://ocsp.jpki-test.invalid/ocsp/sign/responder"},
		}
		if p.SigCert, err = x509.CreateCertificate(rand.Reader, sigTmpl, sigCA, &sigKey.PublicKey, sigCAKey); err != nil {
			return p, fmt.Errorf("issue signature certificate: %w", err)
		}
		if p.SigKey, err = x509.MarshalPKCS8PrivateKey(sigKey); err != nil {
			return p, err
		}
		p.SigCACert = sigCA.Raw
	}
	if len(o.ResetMaster) > 0 {
		h := sha256.Sum256(p.AuthCert)
		p.ResetKey = pinreset.CardKey(o.ResetMaster, h[:])
	}
	return p, nil
}

// crlPoints returns CRL distribution points in the style of JPKI's partitioned CRLs.
func crlPoints(kind string) []string {
	var out []string
	for _, part := range []string{"a", "b", "c", "d", "e"} {
		out = append(out, "ldap://dir.jpki-test.invalid/cn%3dCRL-"+kind+"-"+part+
			",ou%3dJPKI%20for%20"+kind+",o%3dJPKI-TEST,c%3dJP?certificateRevocationList;binary")
	}
	return out
}

func randSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n.Add(n, big.NewInt(1))
}

func makeCA(ou string) (*x509.Certificate, *rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randSerial(),
		Subject: pkix.Name{Country: []string{"JP"}, Organization: []string{"JPKI-TEST"},
			OrganizationalUnit: []string{ou, "Simulated card issuer"}},
		NotBefore:             time.Now().Add(-48 * time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("self-sign CA: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

// otherNamesSAN builds a subjectAltName of otherName entries, each value a UTF8String in an
// explicit [0], as the JPKI signature certificate carries the holder's data.
type otherNameValue struct {
	oid   asn1.ObjectIdentifier
	value string
}

func otherNamesSAN(values []otherNameValue) (pkix.Extension, error) {
	type otherName struct {
		TypeID asn1.ObjectIdentifier
		Value  asn1.RawValue `asn1:"explicit,tag:0"`
	}
	var names []asn1.RawValue
	for _, nv := range values {
		inner, err := asn1.MarshalWithParams(nv.value, "utf8")
		if err != nil {
			return pkix.Extension{}, err
		}
		on, err := asn1.Marshal(otherName{TypeID: nv.oid, Value: asn1.RawValue{FullBytes: inner}})
		if err != nil {
			return pkix.Extension{}, err
		}
		// [0] IMPLICIT OtherName: replace the SEQUENCE tag with a constructed context tag 0.
		var rv asn1.RawValue
		if _, err := asn1.Unmarshal(on, &rv); err != nil {
			return pkix.Extension{}, err
		}
		names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: rv.Bytes})
	}
	der, err := asn1.Marshal(names)
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: oidSubjectAltName, Value: der}, nil
}
