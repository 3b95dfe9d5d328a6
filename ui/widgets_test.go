package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBreakLines(t *testing.T) {
	width := func(s string) float32 { return float32(utf8.RuneCountInString(s)) }
	for _, tc := range []struct {
		s    string
		max  float32
		want []string
	}{
		{"Certidão de residência (extrato)", 100, []string{"Certidão de residência (extrato)"}},
		{"Certidão de residência (extrato)", 12, []string{"Certidão de", "residência", "(extrato)"}},
		{"住民票の写し", 4, []string{"住民票の", "写し"}},
		{"Sertipikong-pangrehistro-ng-tatak x", 10, []string{"Sertipikong-pangrehistro-ng-tatak", "x"}},
	} {
		got := breakLines(tc.s, tc.max, width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("breakLines(%q, %v) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}
