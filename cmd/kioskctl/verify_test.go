package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/file"
	"certkiosk/hw/printer/ipp"
	"certkiosk/hw/printer/ipp/ipptest"
	"certkiosk/hw/printer/raster"
	"certkiosk/internal/testenv"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/document/documenttest"
)

type fixture struct {
	dir     string
	keys    string // trusted keys file
	content document.Content
	pages   []*image.Gray
	claims  string // the claims code text
}

func newFixture(t *testing.T, typ string) fixture {
	t.Helper()
	k, err := documenttest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	c := documenttest.Content(typ, false)
	e, opened, err := documenttest.Seal(c, k)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := document.Render(e, opened, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := document.ClaimsCode(e)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return fixture{dir: dir, keys: writeKeys(t, dir, "keys.json", k.Keys), content: c, pages: pages, claims: claims}
}

func writeKeys(t *testing.T, dir, name string, keys document.Keys) string {
	t.Helper()
	b, err := document.MarshalKeysJSON(keys)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writePNG(t *testing.T, path string, img image.Image) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func verify(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(append([]string{"verify"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVerifyPNG(t *testing.T) {
	fx := newFixture(t, document.TypeShotoku)
	page := writePNG(t, filepath.Join(fx.dir, "page.png"), fx.pages[0])
	code, out, errs := verify("-keys", fx.keys, page)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"VALID", fx.content.IssuanceID, "山田　太郎", "income_total"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	fx := newFixture(t, document.TypeKazei)
	page := writePNG(t, filepath.Join(fx.dir, "page.png"), fx.pages[0])
	other, err := documenttest.NewKey() // same key id, another key: the page looks forged
	if err != nil {
		t.Fatal(err)
	}
	wrongKeys := writeKeys(t, fx.dir, "wrong.json", other.Keys)
	blank := image.NewGray(image.Rect(0, 0, 600, 800))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	blankPNG := writePNG(t, filepath.Join(fx.dir, "blank.png"), blank)
	junk := filepath.Join(fx.dir, "junk.txt")
	os.WriteFile(junk, []byte("hello"), 0o600)
	otherID := writeKeys(t, fx.dir, "other-id.json", document.Keys{"another-city": other.Keys[documenttest.KeyID]})
	badKeys := filepath.Join(fx.dir, "bad.json")
	os.WriteFile(badKeys, []byte(`{"k":"c2hvcnQ="}`), 0o600)

	for _, tc := range []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"forged", []string{"-keys", wrongKeys, page}, 1, "FORGED OR ALTERED"},
		{"unknown issuer", []string{"-keys", otherID, page}, 1, "UNKNOWN ISSUER"},
		{"unreadable", []string{"-keys", fx.keys, blankPNG}, 1, "UNREADABLE"},
		{"not an image", []string{"-keys", fx.keys, junk}, 1, "not a PNG, JPEG, PDF or PWG raster"},
		{"missing file", []string{"-keys", fx.keys, filepath.Join(fx.dir, "nope.png")}, 1, "no such file"},
		{"bad keys file", []string{"-keys", badKeys, page}, 1, "not a base64 Ed25519 public key"},
		{"no keys flag", []string{page}, 2, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := verify(tc.args...)
			if code != tc.exit || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tc.exit, tc.want, out, errs)
			}
		})
	}
}

func TestVerifyPDFFromFilePrinter(t *testing.T) {
	testenv.LookPath(t, "pdftoppm")
	fx := newFixture(t, document.TypeKosekiFuhyo)
	d, err := file.New(filepath.Join(fx.dir, "out"), file.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Print(context.Background(), printer.Job{Name: "fuhyo", Pages: fx.pages, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := verify("-keys", fx.keys, d.LastFiles()[0])
	if code != 0 || !strings.Contains(out, "VALID") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// TestEndToEndThroughIppeveprinter: a certificate printed through a real IPP Everywhere printer
// is taken from its spool, turned into an image, decoded by an independent QR reader (zbarimg)
// and accepted by kioskctl verify; a tampered copy is rejected.
func TestEndToEndThroughIppeveprinter(t *testing.T) {
	zbarimg := testenv.LookPath(t, "zbarimg")[0]
	fx := newFixture(t, document.TypeJuminhyo)
	p := ipptest.StartPrinter(t, ipptest.Options{Command: "exit 0"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	for _, preferPDF := range []bool{false, true} {
		d, err := ipp.New(p.URI, &ipp.Opts{PollInterval: 100 * time.Millisecond, PreferPDF: preferPDF})
		if err != nil {
			t.Fatal(err)
		}
		id, err := d.Print(ctx, printer.Job{Name: fx.content.IssuanceID, Pages: fx.pages, DPI: 300})
		if err != nil {
			t.Fatalf("print (pdf=%v): %v\n%s", preferPDF, err, p.Log)
		}
		spooled := p.JobFile(t, id)
		if preferPDF {
			testenv.LookPath(t, "pdftoppm")
			code, out, errs := verify("-keys", fx.keys, spooled)
			if code != 0 || !strings.Contains(out, "VALID") {
				t.Fatalf("verify spooled PDF: exit %d\n%s%s", code, out, errs)
			}
			continue
		}
		fi, _ := os.Stat(spooled)
		t.Logf("PWG raster job for %d page(s): %d bytes", len(fx.pages), fi.Size())
		f, err := os.Open(spooled)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := raster.DecodePWG(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		img := writePNG(t, filepath.Join(fx.dir, "spooled.png"), pages[0].Image)

		out, err := exec.Command(zbarimg, "--quiet", "--raw", img).Output()
		if err != nil {
			t.Fatalf("zbarimg found no code in the printed page: %v", err)
		}
		if !strings.Contains(string(out), fx.claims) {
			t.Fatalf("zbarimg read %q, want the claims code %q", out, fx.claims)
		}
		for _, in := range []string{spooled, img} {
			code, vout, errs := verify("-keys", fx.keys, in)
			if code != 0 || !strings.Contains(vout, "VALID") {
				t.Fatalf("verify %s: exit %d\n%s%s", filepath.Base(in), code, vout, errs)
			}
		}

		// Tamper: paste the codes of a document signed by another key onto the printed page.
		forged := newFixture(t, document.TypeJuminhyo)
		tampered := pages[0].Image
		src := forged.pages[0]
		y0 := tampered.Rect.Dy() - 58*300*10/254
		copy(tampered.Pix[y0*tampered.Stride:], src.Pix[y0*src.Stride:])
		code, vout, _ := verify("-keys", fx.keys, writePNG(t, filepath.Join(fx.dir, "tampered.png"), tampered))
		if code != 1 || !strings.Contains(vout, "FORGED OR ALTERED") {
			t.Fatalf("tampered page: exit %d\n%s", code, vout)
		}
	}
}
