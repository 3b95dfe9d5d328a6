package raster

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"io"
)

// EncodePDF writes pages (all at dpi) as a PDF with one A4-sized page per image. Each image is
// stored 1 bit per pixel (threshold at 50%) with Flate compression: that keeps the ground
// pattern's dots crisp and a page around 100–300 KB.
func EncodePDF(w io.Writer, pages []*image.Gray, dpi int) error {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s", n, body)
		if stream != nil {
			b.WriteString("\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
		return n
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// Objects 1 (catalog) and 2 (pages) are written first; page objects follow in threes
	// (image, contents, page), so the kids' numbers are known in advance.
	kids := ""
	for i := range pages {
		kids += fmt.Sprintf("%d 0 R ", 3+3*i+2)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj(fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(pages), kids), nil)
	for i, p := range pages {
		W, H := p.Rect.Dx(), p.Rect.Dy()
		wpt, hpt := float64(W)*72/float64(dpi), float64(H)*72/float64(dpi)
		data, err := pack1(p)
		if err != nil {
			return fmt.Errorf("pdf page %d: %w", i+1, err)
		}
		img := obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Length %d >>", W, H, len(data)), data)
		content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", wpt, hpt)
		cn := obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", wpt, hpt, img, cn), nil)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// pack1 packs p to 1 bit per pixel, 1 = white (DeviceGray), and deflates it.
func pack1(p *image.Gray) ([]byte, error) {
	W, H := p.Rect.Dx(), p.Rect.Dy()
	bpl := (W + 7) / 8
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	line := make([]byte, bpl)
	for y := 0; y < H; y++ {
		clear(line)
		row := p.Pix[y*p.Stride : y*p.Stride+W]
		for x, v := range row {
			if v >= 128 {
				line[x>>3] |= 0x80 >> (x & 7)
			}
		}
		if _, err := zw.Write(line); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}
