package document

import (
	"fmt"
	"image"
	"image/draw"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/multi/qrcode"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// quietModules is the white margin QR requires around a code.
const quietModules = 4

// qrMatrix encodes text (alphanumeric mode when it can) at error-correction level M, which
// tolerates the smudges and folds of a carried certificate without growing the code much.
func qrMatrix(text string) (*encoder.ByteMatrix, error) {
	code, err := encoder.Encoder_encode(text, qrdecoder.ErrorCorrectionLevel_M, nil)
	if err != nil {
		return nil, fmt.Errorf("encode QR: %w", err)
	}
	return code.GetMatrix(), nil
}

// qrSize is the side in pixels of the code with its quiet zone at module px per module.
func qrSize(m *encoder.ByteMatrix, module int) int {
	return (m.GetWidth() + 2*quietModules) * module
}

// drawQR clears a white square at (x, y) and draws the code inside its quiet zone.
func drawQR(dst *image.Gray, x, y, module int, m *encoder.ByteMatrix) {
	side := qrSize(m, module)
	fillGray(dst, image.Rect(x, y, x+side, y+side), 255)
	n := m.GetWidth()
	for my := 0; my < n; my++ {
		for mx := 0; mx < n; mx++ {
			if m.Get(mx, my) == 1 {
				px := x + (quietModules+mx)*module
				py := y + (quietModules+my)*module
				fillGray(dst, image.Rect(px, py, px+module, py+module), 0)
			}
		}
	}
}

// fillGray sets every pixel of r (clipped to dst) to v.
func fillGray(dst *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	row := dst.Pix[dst.PixOffset(r.Min.X, r.Min.Y) : dst.PixOffset(r.Max.X-1, r.Min.Y)+1]
	for i := range row {
		row[i] = v
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(r.Min.X, y):], row)
	}
}

// FindCodes returns the text of every QR code found on a page image (a render, a scan or a
// photo), in no particular order, without duplicates. It tries the image as it is and then
// reduced (which averages away the ground pattern's dots and speeds up large scans).
func FindCodes(img image.Image) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	gray := toGray(img)
	for _, scale := range []int{1, 2, 3, 4} {
		src := gray
		if scale > 1 {
			src = shrink(gray, scale)
			if src.Rect.Dx() < 200 || src.Rect.Dy() < 200 {
				break
			}
		}
		for _, t := range decodeAll(src) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
		if hasPrefix(out, ClaimsCodePrefix) && hasPrefix(out, ContentCodePrefix) {
			break
		}
	}
	if len(out) == 0 {
		return nil, ErrNoCode
	}
	sort.Strings(out)
	return out, nil
}

func hasPrefix(ss []string, p string) bool {
	for _, s := range ss {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

func decodeAll(img *image.Gray) []string {
	src := gozxing.NewLuminanceSourceFromImage(img)
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	// Any decoding failure (not found, checksum, format) means "no code at this scale": the
	// caller tries the next scale and reports ErrNoCode when none yields a code.
	res, err := qrcode.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(res))
	for _, r := range res {
		out = append(out, r.GetText())
	}
	return out
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, img, b.Min, draw.Src)
	return g
}

// shrink reduces g by an integer factor, averaging each k×k block.
func shrink(g *image.Gray, k int) *image.Gray {
	w, h := g.Rect.Dx()/k, g.Rect.Dy()/k
	out := image.NewGray(image.Rect(0, 0, w, h))
	sums := make([]int, w)
	for y := 0; y < h; y++ {
		clear(sums)
		for dy := 0; dy < k; dy++ {
			row := g.Pix[(y*k+dy)*g.Stride:]
			for x := 0; x < w; x++ {
				s := 0
				for dx := 0; dx < k; dx++ {
					s += int(row[x*k+dx])
				}
				sums[x] += s
			}
		}
		for x := 0; x < w; x++ {
			out.Pix[y*out.Stride+x] = uint8(sums[x] / (k * k))
		}
	}
	return out
}
