package assets

import (
	"bytes"
	"testing"
)

func TestFontGothicIsTrueType(t *testing.T) {
	if len(FontGothic) < 1<<20 {
		t.Fatalf("FontGothic is %d bytes, want the full IPAexGothic font", len(FontGothic))
	}
	// TrueType outlines start with the sfnt version 0x00010000.
	if !bytes.HasPrefix(FontGothic, []byte{0, 1, 0, 0}) {
		t.Fatalf("FontGothic does not start with a TrueType header: % x", FontGothic[:4])
	}
}
