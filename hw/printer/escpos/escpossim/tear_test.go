package escpossim

import "testing"

func TestTearTakesOnlyTheNewSlip(t *testing.T) {
	p := New()
	p.widthBytes = 1
	p.rows = [][]byte{{0xFF}, {0x00}}
	if got := p.Tear(); got.Bounds().Dy() != 2 {
		t.Fatalf("first slip %d rows, want 2", got.Bounds().Dy())
	}
	p.rows = append(p.rows, []byte{0x80})
	if got := p.Tear(); got.Bounds().Dy() != 1 || got.Pix[0] != 0 {
		t.Fatalf("second slip %v, want the one new row", got.Bounds())
	}
	if p.Paper().Bounds().Dy() != 0 {
		t.Fatal("paper not empty after tearing")
	}
}
