package document_test

import (
	"image"
	"math"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"certkiosk/kiosk/document"
	"certkiosk/kiosk/document/documenttest"
)

// phonePhoto imitates a hand-held phone photo of a printed page: the page fills about 1200
// pixels of width (≈145 dpi), turned by a few degrees, with uneven lighting and a grey floor.
func phonePhoto(p *image.Gray, width int, degrees float64) *image.Gray {
	s := float64(width) / float64(p.Rect.Dx())
	w, h := width+200, int(float64(p.Rect.Dy())*s)+200
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for i := range dst.Pix {
		dst.Pix[i] = 90 // table top
	}
	a := degrees * math.Pi / 180
	cos, sin := math.Cos(a)*s, math.Sin(a)*s
	// Rotate about the page centre, then move to the middle of the photo.
	cx, cy := float64(p.Rect.Dx())/2, float64(p.Rect.Dy())/2
	m := f64.Aff3{cos, -sin, float64(w)/2 - cos*cx + sin*cy, sin, cos, float64(h)/2 - sin*cx - cos*cy}
	draw.BiLinear.Transform(dst, m, p, p.Rect, draw.Over, nil)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			light := 0.75 + 0.25*float64(x)/float64(w) // darker on the left
			v := float64(dst.Pix[y*dst.Stride+x])*light*0.85 + 20
			dst.Pix[y*dst.Stride+x] = uint8(v)
		}
	}
	return dst
}

func TestCodesReadFromPhonePhoto(t *testing.T) {
	k := newKey(t)
	c := documenttest.Content(document.TypeKazei, false)
	_, pages := render(t, k, c, 300)
	for _, tc := range []struct {
		width   int
		degrees float64
	}{{1400, 3}, {1200, -2}} {
		photo := phonePhoto(pages[0], tc.width, tc.degrees)
		v, err := document.VerifyPage(photo, k.Keys)
		if err != nil {
			writePNG(t, "testdata/failed/photo.png", photo)
			t.Fatalf("photo %dpx %.0f°: %v", tc.width, tc.degrees, err)
		}
		if v.Claims.IssuanceID != c.IssuanceID {
			t.Fatalf("claims %+v", v.Claims)
		}
		if v.Content == nil || v.Content.IssuanceID != c.IssuanceID {
			t.Fatalf("photo %dpx %.0f°: content code not read", tc.width, tc.degrees)
		}
	}
}
