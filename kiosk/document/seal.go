package document

import (
	"image"
	"math"
)

// drawDemoSeal draws the municipal seal (公印) as a square 角印: a heavy border and the seal's
// text (e.g. 「デモ市長之印」) in columns read top to bottom, right to left. It is generated from
// the municipality's name for the demo; a real deployment would print the municipality's own
// seal image, which the kiosk does not have.
func drawDemoSeal(dst *image.Gray, g *geometry, x, y int, text []rune) {
	side := g.sealSide
	border := max(2, mmToPx(1.1, g.dpi))
	fillGray(dst, image.Rect(x, y, x+side, y+side), 255)
	fillGray(dst, image.Rect(x, y, x+side, y+border), 0)
	fillGray(dst, image.Rect(x, y+side-border, x+side, y+side), 0)
	fillGray(dst, image.Rect(x, y, x+border, y+side), 0)
	fillGray(dst, image.Rect(x+side-border, y, x+side, y+side), 0)

	n := len(text)
	if n == 0 {
		return
	}
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	inner := side - 2*border - 2*g.pad
	cell := inner / max(cols, rows)
	tf, err := newTypeface(float64(cell)*0.92*72/float64(g.dpi), g.dpi)
	if err != nil {
		return
	}
	// Centre the grid of columns inside the border.
	gx := x + border + g.pad + (inner-cols*cell)/2
	gy := y + border + g.pad + (inner-rows*cell)/2
	for i, r := range text {
		col := cols - 1 - i/rows // right to left
		row := i % rows
		s := string(r)
		cx := gx + col*cell + (cell-tf.width(s))/2
		cy := gy + row*cell + (cell+tf.ascent-tf.descent)/2
		tf.draw(dst, cx, cy, s)
	}
}
