package document

import (
	"fmt"
	"image"
	"strings"
	"sync"

	"certkiosk/assets"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	fontOnce sync.Once
	fontGoth *opentype.Font
	fontErr  error
)

func gothic() (*opentype.Font, error) {
	fontOnce.Do(func() {
		fontGoth, fontErr = opentype.Parse(assets.FontGothic)
		if fontErr != nil {
			fontErr = fmt.Errorf("parse bundled font: %w", fontErr)
		}
	})
	return fontGoth, fontErr
}

// glyph is one rasterised glyph: its coverage mask and where it sits relative to the pen.
type glyph struct {
	mask    *image.Alpha // nil for blank glyphs (space)
	off     image.Point  // top-left of mask relative to the pen position on the baseline
	halo    *image.Alpha // mask grown by haloPx: paper cleared around the ink
	advance int          // pixels
}

// typeface renders one font size at one resolution and caches every glyph it has drawn, so a
// page with hundreds of characters rasterises each distinct character once.
type typeface struct {
	face    font.Face
	px      float64 // em size in pixels
	haloPx  int     // white margin cleared around each glyph so the ground pattern never touches it
	ascent  int
	descent int
	mu      sync.Mutex
	glyphs  map[rune]glyph
}

// faceCache shares typefaces between pages: key is (size in 1/100 pt, dpi).
var faceCache sync.Map

type faceKey struct{ centiPt, dpi int }

func newTypeface(pt float64, dpi int) (*typeface, error) {
	key := faceKey{int(pt*100 + 0.5), dpi}
	if tf, ok := faceCache.Load(key); ok {
		return tf.(*typeface), nil
	}
	f, err := gothic()
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: float64(dpi), Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("font face %.1fpt at %d dpi: %w", pt, dpi, err)
	}
	m := face.Metrics()
	tf := &typeface{face: face, px: pt * float64(dpi) / 72, ascent: m.Ascent.Ceil(), descent: m.Descent.Ceil(),
		haloPx: max(1, dpi/150), glyphs: map[rune]glyph{}}
	actual, _ := faceCache.LoadOrStore(key, tf)
	return actual.(*typeface), nil
}

// lineHeight is the baseline-to-baseline distance used for this size.
func (t *typeface) lineHeight() int { return int(t.px*1.35 + 0.5) }

// glyph returns the cached glyph for r, rasterising it on first use. ok is false when the font
// has no glyph for r: the layout refuses to print such text rather than print a box.
func (t *typeface) glyph(r rune) (glyph, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.glyphs[r]; ok {
		return g, g.advance >= 0
	}
	dr, mask, mp, adv, ok := t.face.Glyph(fixed.Point26_6{}, r)
	if !ok || !t.has(r) {
		t.glyphs[r] = glyph{advance: -1}
		return glyph{}, false
	}
	g := glyph{off: dr.Min, advance: adv.Round()}
	if !dr.Empty() {
		a := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				a.Pix[y*a.Stride+x] = alphaAt(mask, mp.X+x, mp.Y+y)
			}
		}
		g.mask = a
		g.halo = dilate(a, t.haloPx)
	}
	t.glyphs[r] = g
	return g, true
}

// has reports whether the font maps r to a real glyph (not .notdef).
func (t *typeface) has(r rune) bool {
	if r == ' ' || r == '\u3000' {
		return true
	}
	f, err := gothic()
	if err != nil {
		return false
	}
	var b sfnt.Buffer
	idx, err := f.GlyphIndex(&b, r)
	return err == nil && idx != 0
}

func alphaAt(m image.Image, x, y int) uint8 {
	if a, ok := m.(*image.Alpha); ok {
		return a.Pix[a.PixOffset(x, y)]
	}
	_, _, _, al := m.At(x, y).RGBA()
	return uint8(al >> 8)
}

// width is the advance width of s in pixels; missing glyphs count as zero.
func (t *typeface) width(s string) int {
	w := 0
	for _, r := range s {
		if g, ok := t.glyph(r); ok {
			w += g.advance
		}
	}
	return w
}

// missing returns the first rune of s the font cannot draw, or 0.
func (t *typeface) missing(s string) rune {
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if _, ok := t.glyph(r); !ok {
			return r
		}
	}
	return 0
}

// draw prints s in black with its baseline at (x, y) and returns the pen's end x.
func (t *typeface) draw(dst *image.Gray, x, y int, s string) int {
	for _, r := range s {
		g, ok := t.glyph(r)
		if !ok {
			continue
		}
		if g.mask != nil {
			clearMask(dst, g.halo, x+g.off.X-t.haloPx, y+g.off.Y-t.haloPx)
			inkMask(dst, g.mask, x+g.off.X, y+g.off.Y)
		}
		x += g.advance
	}
	return x
}

// inkMask darkens dst by the coverage in m placed at (x0, y0): black ink over whatever is there.
// It works on the pixel slices directly; image/draw's generic path is ten times slower on Gray.
func inkMask(dst *image.Gray, m *image.Alpha, x0, y0 int) {
	r := image.Rect(x0, y0, x0+m.Rect.Dx(), y0+m.Rect.Dy()).Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		mi := (y-y0)*m.Stride + (r.Min.X - x0)
		di := dst.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x++ {
			a := uint32(m.Pix[mi])
			if a != 0 {
				d := uint32(dst.Pix[di])
				dst.Pix[di] = uint8(d * (255 - a) / 255)
			}
			mi++
			di++
		}
	}
}

// clearMask lightens dst towards white by the coverage in m placed at (x0, y0).
func clearMask(dst *image.Gray, m *image.Alpha, x0, y0 int) {
	r := image.Rect(x0, y0, x0+m.Rect.Dx(), y0+m.Rect.Dy()).Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		mi := (y-y0)*m.Stride + (r.Min.X - x0)
		di := dst.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x++ {
			if a := uint32(m.Pix[mi]); a != 0 {
				d := uint32(dst.Pix[di])
				dst.Pix[di] = uint8(d + (255-d)*a/255)
			}
			mi++
			di++
		}
	}
}

// dilate grows a coverage mask by r pixels in every direction (a square max filter), returning
// a mask r pixels larger on each side.
func dilate(m *image.Alpha, r int) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	W, H := w+2*r, h+2*r
	row := image.NewAlpha(image.Rect(0, 0, W, h)) // horizontal pass
	for y := 0; y < h; y++ {
		for x := 0; x < W; x++ {
			var v uint8
			for k := max(0, x-2*r); k <= min(w-1, x); k++ {
				v = max(v, m.Pix[y*m.Stride+k])
			}
			row.Pix[y*row.Stride+x] = v
		}
	}
	out := image.NewAlpha(image.Rect(0, 0, W, H))
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			var v uint8
			for k := max(0, y-2*r); k <= min(h-1, y); k++ {
				v = max(v, row.Pix[k*row.Stride+x])
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// wrap breaks s into lines no wider than w pixels, honouring explicit newlines. Japanese text
// breaks between any two characters; a Latin word (a command name, a URL) moves to the next line
// whole when it fits there; a line never starts with a closing bracket or 、。.
func (t *typeface) wrap(s string, w int) []string {
	var out []string
	line := []rune{}
	word := 0 // where the Latin word at the end of line starts
	advance := func(r rune) int {
		if g, ok := t.glyph(r); ok {
			return g.advance
		}
		return 0
	}
	width := func(rs []rune) int {
		n := 0
		for _, r := range rs {
			n += advance(r)
		}
		return n
	}
	for _, r := range s {
		if r == '\n' {
			out = append(out, string(line))
			line, word = line[:0], 0
			continue
		}
		if width(line)+advance(r) > w && len(line) > 0 && !noLineStart(r) {
			carry := []rune{}
			// A word that would not fit a line of its own is broken where it reaches the edge.
			if latin(r) && word > 0 && word < len(line) && width(line[word:])+advance(r) <= w {
				carry = append(carry, line[word:]...)
				line = line[:word]
			}
			out = append(out, strings.TrimRight(string(line), " "))
			line, word = append(line[:0], carry...), 0
		}
		if !latin(r) {
			word = len(line) + 1
		}
		line = append(line, r)
	}
	return append(out, string(line))
}

// latin reports whether r belongs to a word that must not be split (ASCII letters, digits and
// the punctuation inside command names and URLs).
func latin(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '/' || r == '.' || r == ':'
}

func noLineStart(r rune) bool {
	switch r {
	case '、', '。', '）', '」', '』', '，', '．', ')', ',', '.':
		return true
	}
	return false
}
