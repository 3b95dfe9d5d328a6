package document

import (
	"strings"
	"testing"
)

// A Latin word (a command name) moves to the next line whole; Japanese breaks anywhere; no
// line is wider than asked, and nothing is lost.
func TestWrapKeepsLatinWordsWhole(t *testing.T) {
	tf, err := newTypeface(8, 300)
	if err != nil {
		t.Fatal(err)
	}
	s := "検証コード：スマートフォンまたは kioskctl verify で真正性を確認できます"
	for w := tf.width("検証コード：スマ"); w < tf.width(s); w += tf.width("検") / 2 {
		lines := tf.wrap(s, w)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Fatalf("width %d: text changed: %q", w, lines)
		}
		for _, l := range lines {
			if tf.width(l) > w {
				t.Errorf("width %d: line %q is %d wide", w, l, tf.width(l))
			}
			for _, word := range []string{"kioskctl", "verify"} {
				for i := 1; i < len(word); i++ {
					if strings.HasSuffix(l, word[:i]) && i < len(word) && !strings.HasSuffix(l, word) {
						t.Errorf("width %d: %q split in line %q", w, word, l)
					}
				}
			}
		}
	}
}

// A word longer than the line (an issuance id in a narrow box) is still broken: nothing may
// run past the box.
func TestWrapBreaksWordsLongerThanTheLine(t *testing.T) {
	tf, err := newTypeface(8, 300)
	if err != nil {
		t.Fatal(err)
	}
	s := "発行番号 iss_5a7bd71f42f66a7b397fd2171f92dfd9"
	w := tf.width("発行番号 iss_5a7bd71f42")
	lines := tf.wrap(s, w)
	if len(lines) < 2 || strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(s, " ", "") {
		t.Fatalf("lines %q", lines)
	}
	for _, l := range lines {
		if tf.width(l) > w {
			t.Errorf("line %q is %d wide, the box %d", l, tf.width(l), w)
		}
	}
}
