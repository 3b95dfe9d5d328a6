// Package file is the demo's document printer: it writes each job's pages as PNG files (or one
// PDF) into a folder, so a demo or a developer sees exactly what a real printer would get.
// The files hold the certificates' content: it is for demos and development with fictional
// residents, never for a kiosk in service.
//
// It imports only hw/printer, hw/printer/raster and the standard library.
package file

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/raster"
)

// Format is what the printer writes.
type Format string

const (
	PNG Format = "png" // job-NNNN/page-NNN.png
	PDF Format = "pdf" // job-NNNN.pdf
)

// Dev writes jobs into Dir.
type Dev struct {
	dir    string
	format Format
	mu     sync.Mutex
	n      int
	last   []string
}

// New returns a file printer writing into dir (created if needed).
func New(dir string, format Format) (*Dev, error) {
	if format != PNG && format != PDF {
		return nil, fmt.Errorf("file printer: unknown format %q", format)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("file printer: %w", err)
	}
	return &Dev{dir: dir, format: format}, nil
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Print writes the job. The job id is the job's folder or file name.
func (d *Dev) Print(ctx context.Context, j printer.Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	id := fmt.Sprintf("job-%04d", d.n)
	if n := safeName.ReplaceAllString(j.Name, "_"); n != "" {
		id += "-" + n
	}
	var paths []string
	switch d.format {
	case PDF:
		p := filepath.Join(d.dir, id+".pdf")
		if err := writeAtomic(p, func(f *os.File) error { return raster.EncodePDF(f, j.Pages, j.DPI) }); err != nil {
			return "", err
		}
		paths = append(paths, p)
	case PNG:
		jd := filepath.Join(d.dir, id)
		if err := os.MkdirAll(jd, 0o755); err != nil {
			return "", fmt.Errorf("file printer: %w", err)
		}
		for i, pg := range j.Pages {
			p := filepath.Join(jd, fmt.Sprintf("page-%03d.png", i+1))
			if err := writeAtomic(p, func(f *os.File) error { return png.Encode(f, pg) }); err != nil {
				return "", err
			}
			paths = append(paths, p)
		}
	}
	d.last = paths
	return id, nil
}

// LastFiles returns the files of the last job.
func (d *Dev) LastFiles() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.last...)
}

// Status is always idle unless the folder has gone.
func (d *Dev) Status(ctx context.Context) (printer.Status, error) {
	if _, err := os.Stat(d.dir); err != nil {
		return printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultOffline}, Reasons: []string{err.Error()}}, nil
	}
	return printer.Status{State: printer.StateIdle}, nil
}

func (d *Dev) String() string { return "file-printer{" + d.dir + "}" }

// writeAtomic writes through a temporary file and renames, so a half-written page never appears.
func writeAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("file printer: %w", err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("file printer: write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("file printer: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("file printer: %w", err)
	}
	return nil
}

var _ printer.DocumentPrinter = (*Dev)(nil)
