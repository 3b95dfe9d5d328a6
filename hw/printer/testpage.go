package printer

import (
	"image"
	"image/color"
)

// A4 in millimetres.
const a4W, a4H = 210, 297

// TestPage is the technician's test page at dpi: a frame 5 mm inside the A4 edge, a 10 mm grid,
// centre cross-hairs and a row of eleven grey steps from white to black. It carries no text:
// what it checks is alignment, margins and density, in any language.
func TestPage(dpi int) Job {
	mm := func(v float64) int { return int(v * float64(dpi) / 25.4) }
	w, h := mm(a4W), mm(a4H)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	line := max(1, mm(0.3))
	hline := func(y, x0, x1 int, c uint8) {
		for dy := 0; dy < line; dy++ {
			for x := x0; x < x1; x++ {
				img.SetGray(x, y+dy, color.Gray{Y: c})
			}
		}
	}
	vline := func(x, y0, y1 int, c uint8) {
		for dx := 0; dx < line; dx++ {
			for y := y0; y < y1; y++ {
				img.SetGray(x+dx, y, color.Gray{Y: c})
			}
		}
	}
	m := mm(5)
	for x := 10.0; x < a4W; x += 10 {
		vline(mm(x), m, h-m, 0xa0)
	}
	for y := 10.0; y < a4H; y += 10 {
		hline(mm(y), m, w-m, 0xa0)
	}
	hline(m, m, w-m, 0)
	hline(h-m-line, m, w-m, 0)
	vline(m, m, h-m, 0)
	vline(w-m-line, m, h-m, 0)
	hline(h/2, mm(a4W/2-20), mm(a4W/2+20), 0)
	vline(w/2, mm(a4H/2-20), mm(a4H/2+20), 0)
	step := mm(15)
	x0, y0 := (w-11*step)/2, mm(30)
	for i := 0; i <= 10; i++ {
		c := uint8(255 - i*255/10)
		for y := y0; y < y0+step; y++ {
			for x := x0 + i*step; x < x0+(i+1)*step; x++ {
				img.SetGray(x, y, color.Gray{Y: c})
			}
		}
	}
	return Job{Name: "test-page", Pages: []*image.Gray{img}, DPI: dpi}
}
