package raster

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"testing"

	"certkiosk/kiosk/document"
	"certkiosk/kiosk/document/documenttest"
)

// BenchmarkEncodePage encodes one rendered certificate page (ground pattern and codes) in each
// job format and reports the job size in bytes per page (job-B/page).
func BenchmarkEncodePage(b *testing.B) {
	k, err := documenttest.NewKey()
	if err != nil {
		b.Fatal(err)
	}
	e, c, err := documenttest.Seal(documenttest.Content(document.TypeJuminhyo, false), k)
	if err != nil {
		b.Fatal(err)
	}
	for _, dpi := range []int{300, 600} {
		pages, err := document.Render(e, c, &document.RenderOptions{DPI: dpi})
		if err != nil {
			b.Fatal(err)
		}
		page := pages[:1]
		for _, f := range []struct {
			name string
			enc  func(io.Writer, []*image.Gray) error
		}{
			{"pwg-black_1", func(w io.Writer, p []*image.Gray) error { return EncodePWG(w, p, dpi, Black1) }},
			{"pwg-sgray_8", func(w io.Writer, p []*image.Gray) error { return EncodePWG(w, p, dpi, SGray8) }},
			{"pdf", func(w io.Writer, p []*image.Gray) error { return EncodePDF(w, p, dpi) }},
		} {
			b.Run(fmt.Sprintf("dpi=%d/%s", dpi, f.name), func(b *testing.B) {
				var buf bytes.Buffer
				for b.Loop() {
					buf.Reset()
					if err := f.enc(&buf, page); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(buf.Len()), "job-B/page")
			})
		}
	}
}
