package server

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/pki"
	"certkiosk/kiosk/jpki/pinreset"

	bolt "go.etcd.io/bbolt"
)

// certKey is a certificate with its PKCS#8 key, as stored.
type certKey struct {
	Cert []byte `json:"cert"`
	Key  []byte `json:"key"`
}

// docKey is a municipality's Ed25519 document-signing key (the seed of the private key).
type docKey struct {
	KeyID string `json:"key_id"`
	Seed  []byte `json:"seed"`
}

// pkiState is the whole test PKI, stored under meta/pki at first start.
type pkiState struct {
	SeededAt    time.Time         `json:"seeded_at"`
	AuthRoots   []certKey         `json:"auth_roots"`
	SigRoots    []certKey         `json:"sig_roots"`
	DeviceCA    certKey           `json:"device_ca"`
	CenterCA    certKey           `json:"center_ca"`
	ServerCert  certKey           `json:"server_cert"`
	DocKeys     map[string]docKey `json:"doc_keys"` // municipality code → key
	ResetMaster []byte            `json:"reset_master"`
}

// pkiMem is the parsed PKI the server works with.
type pkiMem struct {
	seededAt    time.Time
	authRoots   []pki.CA
	sigRoots    []pki.CA
	authCerts   []*x509.Certificate
	sigCerts    []*x509.Certificate
	deviceCA    pki.CA
	centerCA    pki.CA
	serverCert  certKey
	docKeys     map[string]ed25519.PrivateKey // key id → key
	muniKey     map[string]string             // municipality code → key id
	resetMaster []byte
}

// cardMaterial is one resident's card: certificates and keys, made on first use.
type cardMaterial struct {
	AuthCert []byte `json:"auth_cert"`
	AuthKey  []byte `json:"auth_key"`
	AuthRoot int    `json:"auth_root"`
	SigCert  []byte `json:"sig_cert,omitempty"`
	SigKey   []byte `json:"sig_key,omitempty"`
	SigRoot  int    `json:"sig_root"`
}

// certRef maps a certificate (by SHA-256) to its holder: the center never trusts the CN.
type certRef struct {
	Resident string `json:"resident"`
	Kind     string `json:"kind"`
}

func newPKIState(now time.Time, hosts []string, munis []Municipality) (*pkiState, error) {
	st := &pkiState{SeededAt: now, DocKeys: map[string]docKey{}}
	for _, kind := range []string{pki.KindAuth, pki.KindSignature} {
		roots, err := pki.NewJPKIRoots(kind, now)
		if err != nil {
			return nil, err
		}
		for _, r := range roots {
			ck, err := marshalCertKey(r.Cert.Raw, r.Key)
			if err != nil {
				return nil, err
			}
			if kind == pki.KindAuth {
				st.AuthRoots = append(st.AuthRoots, ck)
			} else {
				st.SigRoots = append(st.SigRoots, ck)
			}
		}
	}
	real := time.Now()
	dev, err := pki.NewECCA("certkiosk test kiosk device CA", real)
	if err != nil {
		return nil, err
	}
	if st.DeviceCA, err = marshalCertKey(dev.Cert.Raw, dev.Key); err != nil {
		return nil, err
	}
	cca, err := pki.NewECCA("certkiosk test center CA", real)
	if err != nil {
		return nil, err
	}
	if st.CenterCA, err = marshalCertKey(cca.Cert.Raw, cca.Key); err != nil {
		return nil, err
	}
	der, key, err := pki.IssueTLS(cca, "certkiosk test center", hosts, true, real)
	if err != nil {
		return nil, err
	}
	if st.ServerCert, err = marshalCertKey(der, key); err != nil {
		return nil, err
	}
	for _, m := range munis {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, fmt.Errorf("document key: %w", err)
		}
		st.DocKeys[m.Code] = docKey{KeyID: m.KeyID, Seed: seed}
	}
	st.ResetMaster = make([]byte, 32)
	if _, err := rand.Read(st.ResetMaster); err != nil {
		return nil, fmt.Errorf("reset master key: %w", err)
	}
	return st, nil
}

func marshalCertKey(cert []byte, key crypto.Signer) (certKey, error) {
	k, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return certKey{}, fmt.Errorf("marshal key: %w", err)
	}
	return certKey{Cert: cert, Key: k}, nil
}

func parseCA(ck certKey) (pki.CA, error) {
	c, err := x509.ParseCertificate(ck.Cert)
	if err != nil {
		return pki.CA{}, fmt.Errorf("parse CA: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(ck.Key)
	if err != nil {
		return pki.CA{}, fmt.Errorf("parse CA key: %w", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return pki.CA{}, fmt.Errorf("parse CA key: %T is not a signer", k)
	}
	return pki.CA{Cert: c, Key: s}, nil
}

func (st *pkiState) load() (*pkiMem, error) {
	m := &pkiMem{seededAt: st.SeededAt, serverCert: st.ServerCert, docKeys: map[string]ed25519.PrivateKey{},
		muniKey: map[string]string{}, resetMaster: st.ResetMaster}
	for _, ck := range st.AuthRoots {
		ca, err := parseCA(ck)
		if err != nil {
			return nil, err
		}
		m.authRoots, m.authCerts = append(m.authRoots, ca), append(m.authCerts, ca.Cert)
	}
	for _, ck := range st.SigRoots {
		ca, err := parseCA(ck)
		if err != nil {
			return nil, err
		}
		m.sigRoots, m.sigCerts = append(m.sigRoots, ca), append(m.sigCerts, ca.Cert)
	}
	var err error
	if m.deviceCA, err = parseCA(st.DeviceCA); err != nil {
		return nil, err
	}
	if m.centerCA, err = parseCA(st.CenterCA); err != nil {
		return nil, err
	}
	for code, dk := range st.DocKeys {
		if len(dk.Seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("document key %s: bad seed", dk.KeyID)
		}
		m.docKeys[dk.KeyID] = ed25519.NewKeyFromSeed(dk.Seed)
		m.muniKey[code] = dk.KeyID
	}
	return m, nil
}

// DocumentKeys returns every municipality's public document key, as the kiosk ships them.
func (s *Server) DocumentKeys() map[string]ed25519.PublicKey {
	out := make(map[string]ed25519.PublicKey, len(s.pki.docKeys))
	for id, k := range s.pki.docKeys {
		out[id] = k.Public().(ed25519.PublicKey)
	}
	return out
}

// certHash is the hex SHA-256 of a DER certificate: how the center finds a holder.
func certHash(der []byte) string {
	h := sha256.Sum256(der)
	return hex.EncodeToString(h[:])
}

// card returns the resident's card material, making certificates and keys on first use (RSA
// generation is the slow part of the PKI: doing it lazily keeps first start fast).
func (s *Server) card(residentID string) (cardMaterial, Resident, error) {
	s.cardMu.Lock()
	defer s.cardMu.Unlock()
	var cm cardMaterial
	var res Resident
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := getJSON(tx, bktResidents, residentID, &res); err != nil {
			return err
		}
		return getJSON(tx, bktCards, residentID, &cm)
	})
	if err == nil {
		return cm, res, nil
	}
	if err != errNotFound || res.ID == "" {
		return cm, res, fmt.Errorf("resident %q: %w", residentID, err)
	}
	cm, err = s.makeCard(res)
	if err != nil {
		return cm, res, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx, bktCards, res.ID, cm); err != nil {
			return err
		}
		if err := putJSON(tx, bktCerts, certHash(cm.AuthCert), certRef{res.ID, center.CertAuth}); err != nil {
			return err
		}
		if cm.SigCert != nil {
			return putJSON(tx, bktCerts, certHash(cm.SigCert), certRef{res.ID, center.CertSignature})
		}
		return nil
	})
	if err != nil {
		return cm, res, fmt.Errorf("store card of %s: %w", res.ID, err)
	}
	return cm, res, nil
}

func (s *Server) makeCard(res Resident) (cardMaterial, error) {
	var cm cardMaterial
	seed := s.pki.seededAt
	nb, na := seed.AddDate(-1, 0, 0), seed.AddDate(4, 0, 0)
	switch res.CertPlan {
	case "expired":
		nb, na = seed.AddDate(-5, 0, 0), seed.AddDate(0, 0, -10)
	case "renewal_soon":
		nb, na = seed.AddDate(-4, -10, 0), seed.AddDate(0, 0, 45)
	}
	h := fnv.New32a()
	h.Write([]byte(res.ID))
	gen := int(h.Sum32() % pki.Generations)
	muni, err := s.municipality(res.Municipality)
	if err != nil {
		return cm, err
	}
	type made struct {
		der []byte
		key []byte
		err error
	}
	issue := func(kind string, roots []pki.CA, info pki.SignatureInfo) made {
		k, err := pki.NewRSAKey()
		if err != nil {
			return made{err: err}
		}
		der, err := pki.IssueJPKI(roots[gen], &k.PublicKey, pki.Leaf{Kind: kind, CN: pki.NewCertID(), Serial: pki.RandSerial(),
			NotBefore: nb, NotAfter: na, Info: info})
		if err != nil {
			return made{err: err}
		}
		kb, err := x509.MarshalPKCS8PrivateKey(k)
		return made{der, kb, err}
	}
	var wg sync.WaitGroup
	var sig made
	if !res.NoSigCert {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sig = issue(pki.KindSignature, s.pki.sigRoots, pki.SignatureInfo{Name: res.Name, Sex: res.Sex,
				Birth: eraBirth(res.Birth), Address: res.Address, Prefecture: muni.RomajiPref, City: muni.RomajiCity})
		}()
	}
	auth := issue(pki.KindAuth, s.pki.authRoots, pki.SignatureInfo{})
	wg.Wait()
	if auth.err != nil {
		return cm, fmt.Errorf("card of %s: %w", res.ID, auth.err)
	}
	if sig.err != nil {
		return cm, fmt.Errorf("card of %s: %w", res.ID, sig.err)
	}
	return cardMaterial{AuthCert: auth.der, AuthKey: auth.key, AuthRoot: gen, SigCert: sig.der, SigKey: sig.key, SigRoot: gen}, nil
}

// eraBirth encodes YYYY-MM-DD as the signature certificate's EYYYYMMDD (era digit first).
func eraBirth(d string) string {
	t, err := time.ParseInLocation("2006-01-02", d, JST)
	if err != nil {
		return "0" + "00000000"
	}
	era := "5"
	switch {
	case t.Before(time.Date(1926, 12, 25, 0, 0, 0, 0, JST)):
		era = "2"
	case t.Before(time.Date(1989, 1, 8, 0, 0, 0, 0, JST)):
		era = "3"
	case t.Before(time.Date(2019, 5, 1, 0, 0, 0, 0, JST)):
		era = "4"
	}
	return era + t.Format("20060102")
}

// CardProfile returns the simulated-card personalisation of a resident (jpkisim.Profile), making
// the card on first use. Test keys only.
func (s *Server) CardProfile(residentID string) (jpkisim.Profile, error) {
	cm, res, err := s.card(residentID)
	if err != nil {
		return jpkisim.Profile{}, err
	}
	authSHA := sha256.Sum256(cm.AuthCert)
	p := jpkisim.Profile{
		Token: jpkisim.TokenCard, AuthCert: cm.AuthCert, AuthKey: cm.AuthKey, AuthCACert: s.pki.authCerts[cm.AuthRoot].Raw,
		AuthPIN: res.AuthPIN, ResetKey: pinreset.CardKey(s.pki.resetMaster, authSHA[:]), ResidentID: res.ID,
	}
	if res.Token != "" {
		p.Token = res.Token
	}
	if cm.SigCert != nil {
		p.SigCert, p.SigKey, p.SigCACert, p.SigPIN = cm.SigCert, cm.SigKey, s.pki.sigCerts[cm.SigRoot].Raw, res.SigPIN
	}
	return p, nil
}

// KioskFiles is a kiosk's credentials, in the files `centerd export-kiosk` writes.
type KioskFiles struct {
	KioskID      string            `json:"kiosk_id"`
	CertPEM      []byte            `json:"cert_pem"`
	KeyPEM       []byte            `json:"key_pem"`
	CenterCAPEM  []byte            `json:"center_ca_pem"`
	DocumentKeys map[string][]byte `json:"document_keys"`
}

// Files maps each credentials file name to its content.
func (k KioskFiles) Files() (map[string][]byte, error) {
	dk, err := jsonMarshalIndent(k.DocumentKeys)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{center.FileKioskCert: k.CertPEM, center.FileKioskKey: k.KeyPEM,
		center.FileCenterCA: k.CenterCAPEM, center.FileDocumentKeys: dk}, nil
}

// Credentials parses the files into the client's credentials.
func (k KioskFiles) Credentials() (center.Credentials, error) {
	f, err := k.Files()
	if err != nil {
		return center.Credentials{}, err
	}
	return center.ParseCredentials(f[center.FileKioskCert], f[center.FileKioskKey], f[center.FileCenterCA], f[center.FileDocumentKeys])
}

// KioskCredentials returns a kiosk's device certificate and key (issuing them on first use), the
// center CA and the municipalities' document keys.
func (s *Server) KioskCredentials(kioskID string) (KioskFiles, error) {
	if !validKioskID(kioskID) {
		return KioskFiles{}, fmt.Errorf("kiosk id %q: want 1–64 of [A-Za-z0-9._-]", kioskID)
	}
	var ck certKey
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := getJSON(tx, bktKiosks, kioskID, &ck)
		if err != errNotFound {
			return err
		}
		der, key, err := pki.IssueTLS(s.pki.deviceCA, kioskID, nil, false, time.Now())
		if err != nil {
			return err
		}
		if ck, err = marshalCertKey(der, key); err != nil {
			return err
		}
		return putJSON(tx, bktKiosks, kioskID, ck)
	})
	if err != nil {
		return KioskFiles{}, fmt.Errorf("kiosk %s credentials: %w", kioskID, err)
	}
	dk := map[string][]byte{}
	for id, pub := range s.DocumentKeys() {
		dk[id] = pub
	}
	return KioskFiles{
		KioskID:      kioskID,
		CertPEM:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ck.Cert}),
		KeyPEM:       pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ck.Key}),
		CenterCAPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.pki.centerCA.Cert.Raw}),
		DocumentKeys: dk,
	}, nil
}

func validKioskID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// verifyLogin checks the certificate chain (auth hierarchy first, then signature), and returns
// the certificate kind.
func (s *Server) verifyChain(cert *x509.Certificate, now time.Time) (string, error) {
	if _, err := pki.VerifyJPKI(cert, s.pki.authCerts, pki.KindAuth, now); err != pki.ErrUnknownIssuer {
		return center.CertAuth, err
	}
	if _, err := pki.VerifyJPKI(cert, s.pki.sigCerts, pki.KindSignature, now); err != pki.ErrUnknownIssuer {
		return center.CertSignature, err
	}
	return "", pki.ErrUnknownIssuer
}
