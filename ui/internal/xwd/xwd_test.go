package xwd

import (
	"encoding/binary"
	"errors"
	"image/color"
	"testing"
)

// dump makes a version-7 ZPixmap dump of w×h pixels, 32 bits, LSB first, as Xvfb writes.
func dump(w, h int, pix func(x, y int) (r, g, b uint8)) []byte {
	name := []byte("Xvfb main window\x00")
	hs := 100 + len(name)
	vals := []uint32{uint32(hs), 7, 2, 24, uint32(w), uint32(h), 0, 0, 32, 0, 32, 32, uint32(4 * w), 4,
		0xff0000, 0xff00, 0xff, 8, 256, 0, uint32(w), uint32(h), 0, 0, 0}
	b := make([]byte, 100)
	for i, v := range vals {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	b = append(b, name...)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl := pix(x, y)
			b = append(b, bl, g, r, 0)
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	b := dump(3, 2, func(x, y int) (uint8, uint8, uint8) { return uint8(10 * x), uint8(20 * y), 200 })
	img, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 3 || img.Bounds().Dy() != 2 {
		t.Fatalf("bounds %v", img.Bounds())
	}
	if got := img.At(2, 1); got != (color.NRGBA{20, 20, 200, 255}) {
		t.Errorf("pixel (2,1) = %v", got)
	}
}

func TestDecodeRejectsBadDumps(t *testing.T) {
	good := dump(4, 4, func(int, int) (uint8, uint8, uint8) { return 1, 2, 3 })
	bad := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(bad[4:], 6) // version 6
	for name, b := range map[string][]byte{"short": good[:50], "truncated": good[:len(good)-10], "version": bad} {
		if _, err := Decode(b); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err %v", name, err)
		}
	}
}
