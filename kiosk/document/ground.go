package document

import (
	"fmt"
	"image"
	"math"
	"sync"
)

// The ground pattern (地紋) hides the word 「複写」 ("copy") in a tint of black dots. Outside the
// word the tint is made of fine dots (1 px at 300 dpi, on a 3 px grid); inside it, of coarse dots
// (4×4 px, one per 12×12 px cell). Both cover 1/9 of the paper, so the original shows an even
// light tint. A copier scans at lower effective resolution and thresholds: the fine dots blur
// into an 11% grey that falls below its threshold and vanishes, the coarse dots stay above it and
// print, so the word appears on the copy. All sizes scale with the resolution (groundScale).

// latentWord is what appears on a copy. It is the anti-forgery mark itself, not UI text.
const latentWord = "複写"

const (
	cellPx    = 12 // pattern cell at 300 dpi
	finePitch = 3  // fine-dot grid pitch at 300 dpi
	fineDot   = 1  // fine-dot side at 300 dpi
	coarseDot = 4  // coarse-dot side at 300 dpi
)

// groundTile is one repeat of the pattern at one resolution: pixels (0 ink, 255 paper) and which
// cells carry the latent word.
type groundTile struct {
	w, h   int
	pix    []uint8
	latent []bool // per pixel: inside the word (for tests and measurements)
}

var tileCache sync.Map // dpi → *groundTile

func groundScale(dpi int) int { return max(1, int(math.Round(float64(dpi)/300))) }

// tileFor builds (once per dpi) a tile about 100×64 mm with the word drawn from the bundled font.
func tileFor(dpi int) (*groundTile, error) {
	if t, ok := tileCache.Load(dpi); ok {
		return t.(*groundTile), nil
	}
	s := groundScale(dpi)
	cell := cellPx * s
	w := roundUp(mmToPx(100, dpi), cell)
	h := roundUp(mmToPx(64, dpi), cell)

	// The word, rendered as a coverage mask at tile resolution, about 36 mm tall.
	tf, err := newTypeface(mmToPt(36), dpi)
	if err != nil {
		return nil, fmt.Errorf("ground pattern: %w", err)
	}
	if r := tf.missing(latentWord); r != 0 {
		return nil, fmt.Errorf("ground pattern: font has no glyph for %q", r)
	}
	mask := image.NewGray(image.Rect(0, 0, w, h))
	fillGray(mask, mask.Rect, 255)
	tw := tf.width(latentWord)
	tf.draw(mask, (w-tw)/2, h/2+int(tf.px*0.36), latentWord)

	t := &groundTile{w: w, h: h, pix: make([]uint8, w*h), latent: make([]bool, w*h)}
	for i := range t.pix {
		t.pix[i] = 255
	}
	pitch, fine, coarse := finePitch*s, fineDot*s, coarseDot*s
	for cy := 0; cy < h; cy += cell {
		for cx := 0; cx < w; cx += cell {
			inWord := mask.Pix[(cy+cell/2)*w+cx+cell/2] < 128
			for y := cy; y < cy+cell; y++ {
				for x := cx; x < cx+cell; x++ {
					var ink bool
					if inWord {
						o := (cell - coarse) / 2
						ink = x-cx >= o && x-cx < o+coarse && y-cy >= o && y-cy < o+coarse
					} else {
						ink = (x-cx)%pitch < fine && (y-cy)%pitch < fine
					}
					if ink {
						t.pix[y*w+x] = 0
					}
					t.latent[y*w+x] = inWord
				}
			}
		}
	}
	actual, _ := tileCache.LoadOrStore(dpi, t)
	return actual.(*groundTile), nil
}

// drawGround covers dst with the pattern by copying tile rows: no per-pixel work.
func drawGround(dst *image.Gray, dpi int) error {
	t, err := tileFor(dpi)
	if err != nil {
		return err
	}
	W := dst.Rect.Dx()
	for y := 0; y < dst.Rect.Dy(); y++ {
		src := t.pix[(y%t.h)*t.w : (y%t.h+1)*t.w]
		row := dst.Pix[y*dst.Stride : y*dst.Stride+W]
		for x := 0; x < W; x += t.w {
			copy(row[x:], src)
		}
	}
	return nil
}

// latentAt reports whether pixel (x, y) of a page rendered at dpi lies in the hidden word.
func latentAt(dpi, x, y int) bool {
	t, err := tileFor(dpi)
	if err != nil {
		return false
	}
	return t.latent[(y%t.h)*t.w+x%t.w]
}

// CopierSimulation returns what a plain copier makes of page (rendered or scanned at dpi): the
// optics blur it (Gaussian, σ = 0.13 mm) and the text-mode threshold turns it black and white at
// 50%. On a copy of a genuine page the word 「複写」 appears in the ground pattern.
func CopierSimulation(page *image.Gray, dpi int) *image.Gray {
	sigma := 1.5 * float64(dpi) / 300
	b := gaussianBlur(toGray(page), sigma)
	for i, v := range b.Pix {
		if v < 128 {
			b.Pix[i] = 0
		} else {
			b.Pix[i] = 255
		}
	}
	return b
}

// gaussianBlur is a separable Gaussian blur with fixed-point weights, edges clamped.
func gaussianBlur(src *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]int, 2*r+1)
	var fsum float64
	fk := make([]float64, len(k))
	for i := range fk {
		d := float64(i - r)
		fk[i] = math.Exp(-d * d / (2 * sigma * sigma))
		fsum += fk[i]
	}
	for i := range k {
		k[i] = int(fk[i] / fsum * 65536)
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	tmp := make([]uint8, w*h)
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w]
		out := tmp[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			acc := 0
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				acc += kv * int(row[xx])
			}
			out[x] = uint8(min(acc>>16, 255))
		}
	}
	dst := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]int, w)
	for y := 0; y < h; y++ {
		clear(acc)
		for i, kv := range k {
			yy := min(max(y+i-r, 0), h-1)
			row := tmp[yy*w : (yy+1)*w]
			for x, v := range row {
				acc[x] += kv * int(v)
			}
		}
		out := dst.Pix[y*w : (y+1)*w]
		for x := range out {
			out[x] = uint8(min(acc[x]>>16, 255))
		}
	}
	return dst
}

func mmToPx(mm float64, dpi int) int { return int(math.Round(mm * float64(dpi) / 25.4)) }
func mmToPt(mm float64) float64      { return mm * 72 / 25.4 }
func roundUp(n, m int) int           { return (n + m - 1) / m * m }
