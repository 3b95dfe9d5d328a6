package document_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"certkiosk/kiosk/document"
	"certkiosk/kiosk/document/documenttest"
)

var update = flag.Bool("update", false, "rewrite the golden page images in testdata/golden")

type sample struct {
	name      string
	typ       string
	household bool
}

func samples() []sample {
	var out []sample
	for _, t := range document.Types {
		out = append(out, sample{t, t, false})
	}
	return append(out, sample{"juminhyo_household", document.TypeJuminhyo, true})
}

func render(t testing.TB, k documenttest.Key, c document.Content, dpi int) (document.Envelope, []*image.Gray) {
	t.Helper()
	e, opened, err := documenttest.Seal(c, k)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := document.Render(e, opened, &document.RenderOptions{DPI: dpi})
	if err != nil {
		t.Fatalf("render %s: %v", c.Type, err)
	}
	return e, pages
}

func newKey(t testing.TB) documenttest.Key {
	t.Helper()
	k, err := documenttest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestGoldenPages compares every certificate type, rendered at 150 dpi and halved, with the
// reviewed images in testdata/golden (regenerate with -update, then look at them). The codes
// change with every key, so their squares are blanked before comparing.
func TestGoldenPages(t *testing.T) {
	k := newKey(t)
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			_, pages := render(t, k, documenttest.Content(s.typ, s.household), 150)
			for i, p := range pages {
				got := document.Shrink(blankCodes(p, 150), 2)
				name := fmt.Sprintf("%s-%d.png", s.name, i+1)
				path := filepath.Join("testdata", "golden", name)
				if *update {
					writePNG(t, path, got)
					continue
				}
				want := readPNG(t, path)
				if want.Bounds() != got.Bounds() {
					t.Fatalf("%s: size %v, golden %v", name, got.Bounds(), want.Bounds())
				}
				if d := diffFraction(got, want, 64); d > 0.002 {
					writePNG(t, filepath.Join("testdata", "failed", name), got)
					t.Errorf("%s: %.3f%% of pixels differ from the golden image (see testdata/failed)", name, d*100)
				}
			}
			if len(pages) != goldenPageCount(t, s.name) && !*update {
				t.Errorf("%d pages, golden has %d", len(pages), goldenPageCount(t, s.name))
			}
		})
	}
}

// blankCodes whitens the bottom band where the key-dependent codes are.
func blankCodes(p *image.Gray, dpi int) *image.Gray {
	c := image.NewGray(p.Rect)
	copy(c.Pix, p.Pix)
	y0 := p.Rect.Dy() - 54*dpi*10/254
	for y := y0; y < p.Rect.Dy(); y++ {
		for x := 0; x < p.Rect.Dx(); x++ {
			c.Pix[y*c.Stride+x] = 255
		}
	}
	return c
}

func goldenPageCount(t *testing.T, name string) int {
	m, err := filepath.Glob(filepath.Join("testdata", "golden", name+"-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func diffFraction(a, b *image.Gray, tol int) float64 {
	n := 0
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		if d > tol || d < -tol {
			n++
		}
	}
	return float64(n) / float64(len(a.Pix))
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func readPNG(t testing.TB, path string) *image.Gray {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden image missing (run go test -update and look at it): %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("%s is not a grey PNG", path)
	}
	return g
}

// TestEveryPageVerifies: the code on each rendered page decodes, verifies with the municipality
// key and, on the last page of a small document, carries the exact signed content.
func TestEveryPageVerifies(t *testing.T) {
	k := newKey(t)
	for _, s := range []sample{{"juminhyo_household", document.TypeJuminhyo, true}, {"inkan", document.TypeInkan, false}, {"kazei", document.TypeKazei, false}} {
		t.Run(s.name, func(t *testing.T) {
			c := documenttest.Content(s.typ, s.household)
			_, pages := render(t, k, c, 300)
			for i, p := range pages {
				v, err := document.VerifyPage(p, k.Keys)
				if err != nil {
					t.Fatalf("page %d: %v", i+1, err)
				}
				if v.Claims.IssuanceID != c.IssuanceID || v.Claims.Type != c.Type {
					t.Fatalf("page %d: claims %+v", i+1, v.Claims)
				}
				last := i == len(pages)-1
				if v.Content != nil && !last {
					t.Errorf("page %d: content code on a page that is not the last", i+1)
				}
				if last && s.typ != document.TypeInkan {
					if v.Content == nil {
						t.Fatalf("last page has no content code")
					}
					if got := v.Content.Persons[0].Fields[0].Value; got != c.Persons[0].Fields[0].Value {
						t.Errorf("content code person = %q", got)
					}
				}
			}
		})
	}
}

func TestNoContentCodeOption(t *testing.T) {
	k := newKey(t)
	e, c, err := documenttest.Seal(documenttest.Content(document.TypeKazei, false), k)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := document.Render(e, c, &document.RenderOptions{NoContentCode: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := document.VerifyPage(pages[len(pages)-1], k.Keys)
	if err != nil || v.Content != nil {
		t.Fatalf("verify: content %v, err %v; want claims only", v.Content, err)
	}
}

// TestForgedPagesRejected: a page whose code is signed by a key the verifier does not trust, and
// a page from a genuine document with another document's content code pasted on, fail.
func TestForgedPagesRejected(t *testing.T) {
	trusted := newKey(t)
	forger := newKey(t) // same key id, different key
	_, pages := render(t, forger, documenttest.Content(document.TypeShotoku, false), 300)
	if _, err := document.VerifyPage(pages[0], trusted.Keys); !errors.Is(err, document.ErrForged) {
		t.Fatalf("page signed by an untrusted key: err = %v, want ErrForged", err)
	}
	if _, err := document.VerifyPage(pages[0], document.Keys{}); !errors.Is(err, document.ErrUnknownKey) {
		t.Fatalf("no keys: err = %v, want ErrUnknownKey", err)
	}

	// Genuine page; its content code region replaced by the content code of another genuine page.
	c1 := documenttest.Content(document.TypeShotoku, false)
	c2 := documenttest.Content(document.TypeShotoku, false)
	c2.Persons[0].Fields[1].Value = "偽造　次郎"
	_, p1 := render(t, trusted, c1, 300)
	_, p2 := render(t, trusted, c2, 300)
	a, b := p1[len(p1)-1], p2[len(p2)-1]
	w := a.Rect.Dx()
	for y := a.Rect.Dy() - 58*300*10/254; y < a.Rect.Dy(); y++ {
		copy(a.Pix[y*a.Stride+w/2:y*a.Stride+w], b.Pix[y*b.Stride+w/2:y*b.Stride+w])
	}
	if _, err := document.VerifyPage(a, trusted.Keys); !errors.Is(err, document.ErrContentAltered) {
		t.Fatalf("pasted content code: err = %v, want ErrContentAltered", err)
	}

	blank := image.NewGray(image.Rect(0, 0, 800, 1100))
	if _, err := document.VerifyPage(blank, trusted.Keys); !errors.Is(err, document.ErrNoCode) {
		t.Fatalf("blank page: err = %v, want ErrNoCode", err)
	}
}

// TestGroundPatternRevealsCopy: on the original the hidden word's region has the same tone as
// the rest; on a simulated copy the word is dark and the rest nearly white.
func TestGroundPatternRevealsCopy(t *testing.T) {
	const dpi = 300
	k := newKey(t)
	_, pages := render(t, k, documenttest.Content(document.TypeInkan, false), dpi)
	orig := pages[0]
	cp := document.CopierSimulation(orig, dpi)
	in, out := tone(orig, dpi)
	cin, cout := darkFraction(cp, dpi)
	t.Logf("original tone: word %.3f, elsewhere %.3f; copy dark fraction: word %.3f, elsewhere %.3f", in, out, cin, cout)
	if d := in - out; d > 0.02 || d < -0.02 {
		t.Errorf("original: word region tone %.3f vs %.3f elsewhere; the word must not show", in, out)
	}
	if cin < 0.06 || cin < 4*cout {
		t.Errorf("copy: word region %.3f dark vs %.3f elsewhere; the word must show", cin, cout)
	}
	if os.Getenv("KIOSK_WRITE_COPY") != "" {
		writePNG(t, filepath.Join("testdata", "failed", "copy.png"), document.Shrink(cp, 2))
	}
}

// tone is the mean ink (0 white … 1 black) inside and outside the hidden word.
func tone(p *image.Gray, dpi int) (in, out float64) {
	var si, so, ni, no float64
	for y := 0; y < p.Rect.Dy(); y++ {
		for x := 0; x < p.Rect.Dx(); x++ {
			v := 1 - float64(p.Pix[y*p.Stride+x])/255
			if document.LatentAt(dpi, x, y) {
				si += v
				ni++
			} else {
				so += v
				no++
			}
		}
	}
	return si / ni, so / no
}

func darkFraction(p *image.Gray, dpi int) (in, out float64) {
	var di, do, ni, no float64
	for y := 0; y < p.Rect.Dy(); y++ {
		for x := 0; x < p.Rect.Dx(); x++ {
			dark := p.Pix[y*p.Stride+x] < 128
			if document.LatentAt(dpi, x, y) {
				ni++
				if dark {
					di++
				}
			} else {
				no++
				if dark {
					do++
				}
			}
		}
	}
	return di / ni, do / no
}

// TestRefusesFieldsNotChosen: the layout never prints a field the resident did not choose or
// the municipality forbids, nor text it cannot draw.
func TestRefusesFieldsNotChosen(t *testing.T) {
	k := newKey(t)
	base := func() document.Content { return documenttest.Content(document.TypeJuminhyo, false) }
	addPerson := func(c *document.Content, code, v string) {
		c.Persons[0].Fields = append(c.Persons[0].Fields, document.Field{Code: code, Value: v})
	}
	for _, tc := range []struct {
		name  string
		edit  func(*document.Content)
		allow bool
		want  error
	}{
		{"my number not chosen", func(c *document.Content) { addPerson(c, document.FieldMyNumber, "123456789012") }, true, document.ErrFieldNotAllowed},
		{"my number forbidden by municipality", func(c *document.Content) {
			c.Options = append(c.Options, document.OptMyNumber)
			addPerson(c, document.FieldMyNumber, "123456789012")
		}, false, document.ErrFieldNotAllowed},
		{"relationship without household option", func(c *document.Content) {
			c.Options = nil
			c.Header = c.Header[:1]
		}, false, document.ErrFieldNotAllowed},
		{"honseki not chosen", func(c *document.Content) { addPerson(c, document.FieldHonseki, "x") }, false, document.ErrFieldNotAllowed},
		{"tax field on 住民票", func(c *document.Content) { addPerson(c, document.FieldMunicipalTax, "1円") }, false, document.ErrFieldNotAllowed},
		{"unknown field", func(c *document.Content) { addPerson(c, "juminhyo_code", "1") }, false, document.ErrFieldNotAllowed},
		{"unknown type", func(c *document.Content) { c.Type = "kaiseigenkoseki" }, false, document.ErrUnprintable},
		{"glyph the font lacks", func(c *document.Content) { c.Persons[0].Fields[0].Value = "山田\U0001F600" }, false, document.ErrUnprintable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.edit(&c)
			e, opened, err := documenttest.Seal(c, k)
			if err != nil {
				t.Fatal(err)
			}
			_, err = document.Render(e, opened, &document.RenderOptions{DPI: 150, AllowMyNumber: tc.allow})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}

	t.Run("my number chosen and allowed", func(t *testing.T) {
		c := base()
		c.Options = append(c.Options, document.OptMyNumber)
		addPerson(&c, document.FieldMyNumber, "123456789012")
		e, opened, err := documenttest.Seal(c, k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := document.Render(e, opened, &document.RenderOptions{DPI: 150, AllowMyNumber: true}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("broken seal image", func(t *testing.T) {
		c := documenttest.Content(document.TypeInkan, false)
		fs := c.Persons[0].Fields
		fs[slices.IndexFunc(fs, func(f document.Field) bool { return f.Code == document.FieldSealImage })].Value = "bm90IGEgcG5n"
		e, opened, err := documenttest.Seal(c, k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := document.Render(e, opened, nil); !errors.Is(err, document.ErrUnprintable) {
			t.Fatalf("err = %v, want ErrUnprintable", err)
		}
	})
	t.Run("resolution out of range", func(t *testing.T) {
		e, opened, err := documenttest.Seal(base(), k)
		if err != nil {
			t.Fatal(err)
		}
		for _, dpi := range []int{-1, 100, 2400} {
			if _, err := document.Render(e, opened, &document.RenderOptions{DPI: dpi}); !errors.Is(err, document.ErrUnprintable) {
				t.Errorf("%d dpi: err = %v, want ErrUnprintable", dpi, err)
			}
		}
	})
	t.Run("content of another envelope", func(t *testing.T) {
		e, _, err := documenttest.Seal(base(), k)
		if err != nil {
			t.Fatal(err)
		}
		other := documenttest.Content(document.TypeInkan, false)
		if _, err := document.Render(e, other, nil); !errors.Is(err, document.ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
}

func BenchmarkRenderPage(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	k := documenttest.Key{ID: documenttest.KeyID, Priv: priv, Keys: document.Keys{documenttest.KeyID: pub}}
	e, c, err := documenttest.Seal(documenttest.Content(document.TypeJuminhyo, false), k)
	if err != nil {
		b.Fatal(err)
	}
	for _, dpi := range []int{300, 600} {
		b.Run(fmt.Sprintf("dpi=%d", dpi), func(b *testing.B) {
			if _, err := document.Render(e, c, &document.RenderOptions{DPI: dpi}); err != nil { // warm caches
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := document.Render(e, c, &document.RenderOptions{DPI: dpi}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
