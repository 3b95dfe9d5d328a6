package card_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certkiosk/hw/card/pcsctest"
	"certkiosk/internal/testenv"
)

// TestOpenSC cross-checks the simulated card with a client nobody here wrote: OpenSC's jpki
// driver, through pcscd, must list the certificates, read the user-auth certificate, and sign
// with the user-auth key after the PIN; the signature must verify against the certificate.
func TestOpenSC(t *testing.T) {
	testenv.LookPath(t, "opensc-tool", "pkcs15-tool", "pkcs11-tool")
	module := "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
	if m, _ := filepath.Glob("/usr/lib/*/opensc-pkcs11.so"); len(m) > 0 {
		module = m[0]
	}
	env := pcsctest.Start(t)
	env.Plug(t, testCard(t, nil), 0)
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		// No file cache: every run reads the card itself.
		cmd.Env = append(os.Environ(), "OPENSC_CONF=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	if out := run("opensc-tool", "-r", "0", "-n"); !strings.Contains(out, "jpki") {
		t.Fatalf("OpenSC did not recognise a JPKI card:\n%s", out)
	}
	out := run("pkcs15-tool", "-r", "0", "-c")
	for _, want := range []string{"User Authentication Certificate", "Digital Signature Certificate",
		"User Authentication Certificate CA", "Digital Signature Certificate CA"} {
		if !strings.Contains(out, want) {
			t.Errorf("pkcs15-tool -c lacks %q:\n%s", want, out)
		}
	}
	pemOut := run("pkcs15-tool", "-r", "0", "--read-certificate", "01")
	blk, _ := pem.Decode([]byte(pemOut[strings.Index(pemOut, "-----BEGIN"):]))
	if blk == nil || !bytes.Equal(blk.Bytes, prof.AuthCert) {
		t.Fatalf("pkcs15-tool read a different user-auth certificate")
	}

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	sigf := filepath.Join(dir, "sig")
	msg := []byte("signed by OpenSC through the simulated card")
	if err := os.WriteFile(data, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	run("pkcs11-tool", "--module", module, "--slot-index", "0", "--login", "--pin", "1234",
		"--sign", "--mechanism", "SHA256-RSA-PKCS", "--id", "01", "-i", data, "-o", sigf)
	sig, err := os.ReadFile(sigf)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(prof.AuthCert)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, d[:], sig); err != nil {
		t.Fatalf("OpenSC's signature does not verify against the certificate: %v", err)
	}
}
