package escpos

import (
	"fmt"
	"image"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"certkiosk/assets"
)

var (
	fontOnce sync.Once
	fontTT   *opentype.Font
	fontErr  error
)

// RenderText draws lines in black on white, width dots wide, with the bundled font at pt points
// for a head of dpi. Lines wider than the paper are cut at the edge; the caller wraps.
func RenderText(lines []string, width, dpi int, pt float64) (*image.Gray, error) {
	fontOnce.Do(func() { fontTT, fontErr = opentype.Parse(assets.FontGothic) })
	if fontErr != nil {
		return nil, fmt.Errorf("escpos: bundled font: %w", fontErr)
	}
	face, err := opentype.NewFace(fontTT, &opentype.FaceOptions{Size: pt, DPI: float64(dpi), Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("escpos: font face: %w", err)
	}
	defer face.Close()
	m := face.Metrics()
	lh := (m.Height * 5 / 4).Ceil()
	img := image.NewGray(image.Rect(0, 0, width, lh*len(lines)+lh/2))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	dr := font.Drawer{Dst: img, Src: image.Black, Face: face}
	for i, l := range lines {
		dr.Dot = fixed.P(0, i*lh+m.Ascent.Ceil())
		dr.DrawString(l)
	}
	return img, nil
}
