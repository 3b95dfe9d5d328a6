package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadConfigurationNamesTheKey(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(bad, []byte("kiosk_id = \"T-1\"\n[center]\nurl = \"http://center.example/\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badScript := filepath.Join(dir, "rig.script")
	if err := os.WriteFile(badScript, []byte("expect idle\ntap no_such_button\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-config", bad, "-script", badScript}, "add -headless"},
		{[]string{"-config", bad, "-headless", "-script", badScript}, "line 2"},
		{nil, "no configuration"},
		{[]string{"-config", filepath.Join(dir, "missing.toml")}, "missing.toml"},
		{[]string{"-config", bad}, "center.url"},
		{[]string{"-bogus"}, "flag provided but not defined"},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code == 0 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("kiosk %v: exit %d, stderr %q; want an error naming %q", tc.args, code, errb.String(), tc.want)
		}
	}
}
