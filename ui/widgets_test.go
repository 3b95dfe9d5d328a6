package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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

func TestBalanceLeavesNoWidow(t *testing.T) {
	u, _, _ := newTestUI(t)
	l := widget.NewLabel("新しい暗証番号を入れてください")
	l.SizeName = theme.SizeNameHeadingText
	full := fyne.MeasureText(l.Text, theme.Size(l.SizeName), l.TextStyle).Width
	u.balance(l, full-1) // one pixel short: naive wrapping leaves 「い」 alone
	lines := strings.Split(l.Text, "\n")
	if len(lines) != 2 {
		t.Fatalf("lines %q", lines)
	}
	a, b := utf8.RuneCountInString(lines[0]), utf8.RuneCountInString(lines[1])
	if a-b > 2 || b-a > 2 {
		t.Errorf("uneven lines %q", lines)
	}
}
