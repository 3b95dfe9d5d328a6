package file

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"certkiosk/hw/printer"
)

func page() *image.Gray {
	p := image.NewGray(image.Rect(0, 0, 40, 50))
	p.Pix[0] = 200
	return p
}

func TestPrintPNGWritesEveryPage(t *testing.T) {
	dir := t.TempDir()
	d, err := New(dir, PNG)
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.Print(context.Background(), printer.Job{Name: "DEMO/1", Pages: []*image.Gray{page(), page()}, DPI: 300})
	if err != nil {
		t.Fatal(err)
	}
	files := d.LastFiles()
	if len(files) != 2 || filepath.Base(files[1]) != "page-002.png" || filepath.Base(filepath.Dir(files[0])) != id {
		t.Fatalf("files = %v (job %s)", files, id)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := img.(*image.Gray); !ok || !bytes.Equal(g.Pix, page().Pix) {
		t.Fatal("page not written as it was rendered")
	}
}

func TestPrintPDF(t *testing.T) {
	d, err := New(t.TempDir(), PDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Print(context.Background(), printer.Job{Name: "x", Pages: []*image.Gray{page()}, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(d.LastFiles()[0])
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
}

func TestBadJobsAndFolderGone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	d, err := New(dir, PNG)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []printer.Job{{DPI: 300}, {Pages: []*image.Gray{page()}, DPI: 0}, {Pages: []*image.Gray{nil}, DPI: 300}} {
		if _, err := d.Print(context.Background(), j); !errors.Is(err, printer.ErrBadJob) {
			t.Errorf("job %+v: err = %v, want ErrBadJob", j, err)
		}
	}
	if s, _ := d.Status(context.Background()); !s.Ready() {
		t.Fatalf("status %+v, want ready", s)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Status(context.Background()); s.Ready() || s.Faults[0] != printer.FaultOffline {
		t.Fatalf("status %+v with the folder gone, want offline", s)
	}
	if _, err := New(dir, "tiff"); err == nil {
		t.Fatal("unknown format accepted")
	}
}
