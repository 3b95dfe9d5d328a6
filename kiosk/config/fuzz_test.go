package config

import (
	"errors"
	"testing"
)

// FuzzParse: any input either parses into a configuration that validates and survives a TOML
// round trip, or gives an error; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validTOML))
	f.Add([]byte("kiosk_id = \"D\"\ndemo = true\n[printer.document]\ndir = \"out\"\n"))
	f.Add([]byte("[gpio]\nkeypad_rows = [\"a\", \"a\"]\n"))
	f.Add([]byte("timeouts = 5\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			var p Problems
			if errors.As(err, &p) && len(p) == 0 {
				t.Fatal("empty Problems returned as an error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid config: %v", err)
		}
		out, err := c.TOML()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse([]byte(out)); err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
	})
}
