package center

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"certkiosk/kiosk/document"
)

// Files of a kiosk's credentials directory, as `centerd export-kiosk` writes it.
const (
	FileKioskCert    = "kiosk.crt"          // PEM: the kiosk's device certificate (CN = kiosk id)
	FileKioskKey     = "kiosk.key"          // PEM: its private key
	FileCenterCA     = "center-ca.crt"      // PEM: the CA the center's TLS certificate chains to
	FileDocumentKeys = "document-keys.json" // {"key id": base64 Ed25519 public key}
)

// Credentials are what a kiosk is provisioned with to talk to the center and check documents.
type Credentials struct {
	KioskID      string
	Certificate  tls.Certificate
	CenterCAs    *x509.CertPool
	DocumentKeys document.Keys
}

// TLSConfig returns the mutual-TLS client configuration: the kiosk's certificate, only the
// center CA trusted, TLS 1.3.
func (c Credentials) TLSConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{c.Certificate},
		RootCAs:      c.CenterCAs,
		MinVersion:   tls.VersionTLS13,
	}
}

// LoadCredentials reads a credentials directory written by `centerd export-kiosk`.
func LoadCredentials(dir string) (Credentials, error) {
	var c Credentials
	certPEM, err := os.ReadFile(filepath.Join(dir, FileKioskCert))
	if err != nil {
		return c, fmt.Errorf("load kiosk credentials: %w", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, FileKioskKey))
	if err != nil {
		return c, fmt.Errorf("load kiosk credentials: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, FileCenterCA))
	if err != nil {
		return c, fmt.Errorf("load kiosk credentials: %w", err)
	}
	keysJSON, err := os.ReadFile(filepath.Join(dir, FileDocumentKeys))
	if err != nil {
		return c, fmt.Errorf("load kiosk credentials: %w", err)
	}
	return ParseCredentials(certPEM, keyPEM, caPEM, keysJSON)
}

// ParseCredentials builds Credentials from the contents of the four files.
func ParseCredentials(certPEM, keyPEM, caPEM, keysJSON []byte) (Credentials, error) {
	var c Credentials
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return c, fmt.Errorf("kiosk certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return c, fmt.Errorf("kiosk certificate: %w", err)
	}
	if leaf.Subject.CommonName == "" {
		return c, errors.New("kiosk certificate: empty CommonName (the kiosk id)")
	}
	cert.Leaf = leaf
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return c, errors.New("center CA: no PEM certificate")
	}
	var raw map[string][]byte
	if err := json.Unmarshal(keysJSON, &raw); err != nil {
		return c, fmt.Errorf("document keys: %w", err)
	}
	keys := make(document.Keys, len(raw))
	for id, k := range raw {
		if len(k) != ed25519.PublicKeySize {
			return c, fmt.Errorf("document key %q: %d bytes, want %d", id, len(k), ed25519.PublicKeySize)
		}
		keys[id] = ed25519.PublicKey(k)
	}
	return Credentials{KioskID: leaf.Subject.CommonName, Certificate: cert, CenterCAs: pool, DocumentKeys: keys}, nil
}
