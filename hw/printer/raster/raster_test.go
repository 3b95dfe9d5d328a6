package raster

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"certkiosk/internal/testenv"
)

// testPage is a small page with runs, literals, repeated lines and an odd width.
func testPage(w, h int) *image.Gray {
	p := image.NewGray(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(255)
			switch {
			case y < 10: // identical white lines
			case y%7 == 0:
				if r.IntN(2) == 0 {
					v = 0
				}
			case x%3 == 0 && y%3 == 0:
				v = 0
			}
			p.Pix[y*p.Stride+x] = v
		}
	}
	return p
}

func TestPWGRoundTrip(t *testing.T) {
	pages := []*image.Gray{testPage(301, 400), testPage(301, 400)}
	for _, typ := range []PWGType{Black1, SGray8} {
		var b bytes.Buffer
		if err := EncodePWG(&b, pages, 300, typ); err != nil {
			t.Fatal(err)
		}
		got, err := DecodePWG(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if len(got) != 2 || got[0].DPI != 300 {
			t.Fatalf("%s: %d pages at %d dpi", typ, len(got), got[0].DPI)
		}
		for i := range got {
			if !bytes.Equal(got[i].Image.Pix, pages[i].Pix) {
				t.Fatalf("%s page %d differs after round trip", typ, i+1)
			}
		}
		if raw := 301 * 400 * 2; typ == SGray8 && b.Len() > raw {
			t.Errorf("sgray_8 job %d bytes, more than raw %d", b.Len(), raw)
		}
	}
}

func TestPWGHeaderFields(t *testing.T) {
	var b bytes.Buffer
	if err := EncodePWG(&b, []*image.Gray{testPage(16, 4)}, 600, Black1); err != nil {
		t.Fatal(err)
	}
	h := b.Bytes()[4:]
	for _, tc := range []struct {
		off  int
		want uint32
	}{{offHWResolution, 600}, {offWidth, 16}, {offHeight, 4}, {offBitsPerPixel, 1}, {offBytesPerLine, 2}, {offColorSpace, csBlack}, {offNumColors, 1}} {
		got := uint32(h[tc.off])<<24 | uint32(h[tc.off+1])<<16 | uint32(h[tc.off+2])<<8 | uint32(h[tc.off+3])
		if got != tc.want {
			t.Errorf("header at %d = %d, want %d", tc.off, got, tc.want)
		}
	}
	if string(h[:9]) != "PwgRaster" || string(h[offPageSizeName:offPageSizeName+16]) != "iso_a4_210x297mm" {
		t.Errorf("header strings wrong")
	}
}

func TestDecodePWGRejectsMalformed(t *testing.T) {
	var good bytes.Buffer
	if err := EncodePWG(&good, []*image.Gray{testPage(40, 20)}, 300, SGray8); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	for name, in := range map[string][]byte{
		"empty":          nil,
		"wrong sync":     append([]byte("RaS3"), g[4:]...),
		"short header":   g[:100],
		"truncated data": g[:len(g)-5],
		"no pages":       []byte("RaS2"),
		"huge page":      hugeHeader(g),
	} {
		if _, err := DecodePWG(bytes.NewReader(in)); !errors.Is(err, ErrBadPWG) {
			t.Errorf("%s: err = %v, want ErrBadPWG", name, err)
		}
	}
}

func FuzzDecodePWG(f *testing.F) {
	var b bytes.Buffer
	_ = EncodePWG(&b, []*image.Gray{testPage(9, 5)}, 300, Black1)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, p []byte) {
		pages, err := DecodePWG(bytes.NewReader(p))
		if err == nil && len(pages) == 0 {
			t.Fatal("no error and no pages")
		}
	})
}

// TestPDFRasterisesWithPoppler: an independent PDF reader (pdftoppm) renders our PDF back to the
// same pixels.
func TestPDFRasterisesWithPoppler(t *testing.T) {
	pdftoppm := testenv.LookPath(t, "pdftoppm")[0]
	page := testPage(600, 848) // 2 × 2.83 in at 300 dpi
	dir := t.TempDir()
	var b bytes.Buffer
	if err := EncodePDF(&b, []*image.Gray{page, page}, 300); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftoppm, "-r", "300", "-gray", "-aa", "no", "-aaVector", "no", "-png", in, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(m) != 2 {
		t.Fatalf("pdftoppm made %d pages, want 2", len(m))
	}
	f, err := os.Open(m[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 600 || img.Bounds().Dy() != 848 {
		t.Fatalf("rendered %v, want 600x848", img.Bounds())
	}
	// Poppler resamples images with sub-pixel drift, so compare tone in 8×8 blocks.
	worst := 0
	for by := 0; by+8 <= 848; by += 8 {
		for bx := 0; bx+8 <= 600; bx += 8 {
			var a, b int
			for y := by; y < by+8; y++ {
				for x := bx; x < bx+8; x++ {
					r, _, _, _ := img.At(x, y).RGBA()
					a += int(r >> 8)
					b += int(page.Pix[y*page.Stride+x])
				}
			}
			worst = max(worst, abs(a-b)/64)
		}
	}
	if worst > 40 {
		t.Fatalf("an 8x8 block differs by %d grey levels after pdftoppm", worst)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// hugeHeader claims a 10000×15000 page: more memory than a verifier should ever allocate.
func hugeHeader(good []byte) []byte {
	b := append([]byte(nil), good...)
	h := b[4:]
	h[offWidth], h[offWidth+1], h[offWidth+2], h[offWidth+3] = 0, 0, 0x27, 0x10
	h[offHeight], h[offHeight+1], h[offHeight+2], h[offHeight+3] = 0, 0, 0x3A, 0x98
	return b
}
