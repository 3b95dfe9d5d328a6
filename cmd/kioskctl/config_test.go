package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certkiosk/kiosk/config"
)

func TestConfigShowMasksSecrets(t *testing.T) {
	dir := t.TempDir()
	hash, err := config.HashTechnicianCredential("technician credential for this test")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../assets/config/terminal.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Replace the published example hash, which validation refuses, with one made here.
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "technician_hash") {
			lines[i] = `technician_hash = "` + hash + `"`
		}
	}
	p := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"config", "show", "-config", p}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if strings.Contains(s, hash) || strings.Contains(s, "/etc/certkiosk/device-key.pem") {
		t.Fatalf("config show prints a secret:\n%s", s)
	}
	if !strings.Contains(s, "T-13101-0042") || !strings.Contains(s, "GPIO17") {
		t.Fatalf("config show lost the configuration:\n%s", s)
	}
	out.Reset()
	if code := run([]string{"config", "check", "-config", p}, &out, &errb); code != 0 || !strings.Contains(out.String(), "valid") {
		t.Fatalf("config check: exit %d %s %s", code, out.String(), errb.String())
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("kiosk_id = \"T-1\"\n[timeouts]\ninactivity = \"1s\"\n"), 0o600)
	errb.Reset()
	if code := run([]string{"config", "check", "-config", bad}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "timeouts.inactivity") {
		t.Fatalf("bad config: exit %d, %s", code, errb.String())
	}
}
