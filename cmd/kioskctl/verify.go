package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/jpeg" // phone photos
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"certkiosk/hw/printer/raster"
	"certkiosk/kiosk/document"
)

// kioskctl verify FILE: check a printed certificate from a scan, a photo (PNG, JPEG), a PDF or
// a PWG raster job. The keys file is JSON: {"<key id>": "<base64 Ed25519 public key>", ...}.
func init() {
	register(command{
		name:    "verify",
		summary: "check a printed certificate's verification code (PNG, JPEG, PDF, PWG raster)",
		run:     runVerify,
	})
}

// errVerifyFailed makes verify exit non-zero after printing why.
var errVerifyFailed = errors.New("verification failed")

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keysFile := fs.String("keys", "", "JSON file mapping municipality key id to base64 Ed25519 public key (required)")
	dpi := fs.Int("dpi", 300, "resolution for rasterising PDF input")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kioskctl verify -keys KEYS.json FILE\n\nFILE: a scan or photo (PNG, JPEG), a PDF, or a PWG raster job of a printed page.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *keysFile == "" {
		fs.Usage()
		return errUsage
	}
	keys, err := loadKeys(*keysFile)
	if err != nil {
		return err
	}
	pages, err := loadPages(fs.Arg(0), *dpi)
	if err != nil {
		return err
	}
	failed := 0
	for i, p := range pages {
		if len(pages) > 1 {
			fmt.Fprintf(stdout, "page %d:\n", i+1)
		}
		v, err := document.VerifyPage(p, keys)
		if err != nil {
			failed++
			switch {
			case errors.Is(err, document.ErrNoCode):
				fmt.Fprintf(stdout, "UNREADABLE: no verification code could be read (%v)\n", err)
			case errors.Is(err, document.ErrUnknownKey):
				fmt.Fprintf(stdout, "UNKNOWN ISSUER: %v (not in the keys file: the page cannot be trusted)\n", err)
			case document.IsForgery(err):
				fmt.Fprintf(stdout, "FORGED OR ALTERED: %v\n", err)
			default:
				fmt.Fprintf(stdout, "INVALID: %v\n", err)
			}
			continue
		}
		printVerified(stdout, v)
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d pages", errVerifyFailed, failed, len(pages))
	}
	return nil
}

func printVerified(w io.Writer, v document.Verified) {
	c := v.Claims
	fmt.Fprintf(w, "VALID: signed by municipality key %s\n", c.KeyID)
	fmt.Fprintf(w, "  issuance id:   %s\n  type:          %s\n  municipality:  %s\n  issued at:     %s\n  content sha256: %x\n",
		c.IssuanceID, c.Type, c.MunicipalityCode, c.IssuedAt.Format("2006-01-02 15:04:05Z07:00"), c.ContentSHA256)
	if v.Content == nil {
		fmt.Fprintln(w, "  (the certified content is not in the code on this page: compare the printed text with the issuer's record by its digest)")
		return
	}
	ct := v.Content
	fmt.Fprintf(w, "  certified content (compare with the printed text):\n    municipality: %s  mayor: %s\n    as of: %s  copy %d of %d\n",
		ct.MunicipalityName, ct.Mayor, ct.AsOf.Format("2006-01-02 15:04"), ct.CopyIndex, ct.Copies)
	if len(ct.Options) > 0 {
		fmt.Fprintf(w, "    options: %s\n", strings.Join(ct.Options, ", "))
	}
	for _, f := range ct.Header {
		fmt.Fprintf(w, "    %s: %s\n", f.Code, oneLine(f))
	}
	for i, p := range ct.Persons {
		fmt.Fprintf(w, "    person %d:\n", i+1)
		for _, f := range p.Fields {
			fmt.Fprintf(w, "      %s: %s\n", f.Code, oneLine(f))
		}
	}
}

func oneLine(f document.Field) string {
	if f.Code == document.FieldSealImage {
		return fmt.Sprintf("(image, %d bytes base64)", len(f.Value))
	}
	return strings.ReplaceAll(f.Value, "\n", " / ")
}

// loadKeys reads the municipality keys file (document.ParseKeysJSON format).
func loadKeys(path string) (document.Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	keys, err := document.ParseKeysJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}

// loadPages reads FILE as images: PNG/JPEG directly, PWG raster with our decoder, PDF through
// poppler's pdftoppm.
func loadPages(path string, dpi int) ([]image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	switch {
	case bytes.HasPrefix(b, []byte("RaS2")):
		ps, err := raster.DecodePWG(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out := make([]image.Image, len(ps))
		for i, p := range ps {
			out[i] = p.Image
		}
		return out, nil
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return rasterisePDF(path, dpi)
	default:
		img, _, err := image.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: not a PNG, JPEG, PDF or PWG raster file: %w", path, err)
		}
		return []image.Image{img}, nil
	}
}

func rasterisePDF(path string, dpi int) ([]image.Image, error) {
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, fmt.Errorf("%s is a PDF and pdftoppm (Debian poppler-utils) is not installed: install it or give a PNG scan", path)
	}
	dir, err := os.MkdirTemp("", "kioskctl-verify-")
	if err != nil {
		return nil, fmt.Errorf("rasterise pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	out, err := exec.Command(tool, "-r", fmt.Sprint(dpi), "-gray", "-png", path, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pdftoppm %s: %w: %s", path, err, bytes.TrimSpace(out))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("pdftoppm %s: no pages", path)
	}
	var pages []image.Image
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("rasterise pdf: %w", err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("rasterise pdf: %w", err)
		}
		pages = append(pages, img)
	}
	return pages, nil
}
