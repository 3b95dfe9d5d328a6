package kiosk

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, tc := range []struct {
		key    string
		change func(c *Config)
	}{
		{"kiosk_id", func(c *Config) { c.KioskID = "" }},
		{"languages", func(c *Config) { c.Languages = nil }},
		{"languages", func(c *Config) { c.Languages = []string{"ja", "ja"} }},
		{"inactivity", func(c *Config) { c.Inactivity = 0 }},
		{"warning", func(c *Config) { c.Warning = -1 }},
		{"operation", func(c *Config) { c.Operation = 10 }},
		{"print_copy", func(c *Config) { c.PrintCopy = 0 }},
		{"hold", func(c *Config) { c.Hold = 0 }},
		{"renewal_notice", func(c *Config) { c.RenewalNotice = -1 }},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.key+":") {
			t.Errorf("%s: error %v", tc.key, err)
		}
	}
}
