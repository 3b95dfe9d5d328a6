package document

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"slices"

	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	xdraw "golang.org/x/image/draw"
)

// A4 in millimetres.
const (
	pageWmm = 210.0
	pageHmm = 297.0
)

// Layout errors: the kiosk refuses to print rather than print something it should not.
var (
	// ErrFieldNotAllowed: the envelope carries a field this certificate type never shows, one
	// whose option the resident did not choose, or 個人番号 where the municipality forbids it.
	ErrFieldNotAllowed = errors.New("document: field not allowed on this certificate")
	// ErrUnprintable: text the bundled font cannot draw, an unknown type, or a broken seal image.
	ErrUnprintable = errors.New("document: content cannot be printed")
)

// RenderOptions says how to render. The zero value renders at 300 dpi and refuses 個人番号.
type RenderOptions struct {
	DPI int // dots per inch; 0 means 300
	// AllowMyNumber is the municipality's catalog setting for this certificate type. When false,
	// a document carrying 個人番号 is refused even if the resident chose it.
	AllowMyNumber bool
	// NoContentCode leaves out the content code (the compressed certified content) and prints
	// the claims code only.
	NoContentCode bool
}

// typeFields lists what each certificate type may show. Anything else in an envelope is refused.
var typeFields = map[string][]string{
	TypeJuminhyo: {FieldAddress, FieldHouseholdHead, FieldHonseki, FieldHittosha, FieldName, FieldNameKana,
		FieldBirthDate, FieldSex, FieldRelationship, FieldBecameResident, FieldAddressDate, FieldPreviousAddress,
		FieldMyNumber, FieldNationality, FieldResidenceCard, FieldResidenceStatus, FieldResidencePeriod},
	TypeInkan: {FieldAddress, FieldName, FieldNameKana, FieldBirthDate, FieldSex, FieldSealRegNo, FieldSealImage},
	TypeShotoku: {FieldTaxYear, FieldAddress, FieldName, FieldBirthDate, FieldIncomeTotal, FieldIncomeSalary,
		FieldDeductions, FieldTaxableIncome, FieldMunicipalTax, FieldPrefecturalTax, FieldDependents},
	TypeKosekiZenbu: {FieldHonseki, FieldHittosha, FieldName, FieldBirthDate, FieldSex, FieldRelationship,
		FieldFather, FieldMother, FieldBirthPlace, FieldBirthRecord, FieldMarriageRecord},
	TypeKosekiFuhyo: {FieldHonseki, FieldHittosha, FieldName, FieldBirthDate, FieldFuhyoHistory},
}

func init() {
	typeFields[TypeJuminhyoKisai] = typeFields[TypeJuminhyo]
	typeFields[TypeKazei] = typeFields[TypeShotoku]
	typeFields[TypeShotokuKazei] = typeFields[TypeShotoku]
	typeFields[TypeKosekiKojin] = typeFields[TypeKosekiZenbu]
}

// optionFor names the option a 住民票 field needs; fields not listed need none.
var optionFor = map[string]string{
	FieldHouseholdHead:   OptHouseholdHead,
	FieldRelationship:    OptHouseholdHead,
	FieldHonseki:         OptHonseki,
	FieldHittosha:        OptHonseki,
	FieldNationality:     OptNationality,
	FieldResidenceCard:   OptResidenceCard,
	FieldResidenceStatus: OptResidenceStatus,
	FieldResidencePeriod: OptResidenceStatus,
	FieldMyNumber:        OptMyNumber,
}

// checkFields enforces typeFields, the chosen options and the my-number rule.
func checkFields(c Content, o RenderOptions) error {
	allowed, ok := typeFields[c.Type]
	if !ok {
		return fmt.Errorf("%w: unknown certificate type %q", ErrUnprintable, c.Type)
	}
	residentRecord := c.Type == TypeJuminhyo || c.Type == TypeJuminhyoKisai
	check := func(f Field) error {
		if !slices.Contains(allowed, f.Code) {
			return fmt.Errorf("%w: %q on %s", ErrFieldNotAllowed, f.Code, c.Type)
		}
		if f.Code == FieldMyNumber && (!o.AllowMyNumber || !slices.Contains(c.Options, OptMyNumber)) {
			return fmt.Errorf("%w: %q (option chosen %v, municipality allows %v)", ErrFieldNotAllowed,
				f.Code, slices.Contains(c.Options, OptMyNumber), o.AllowMyNumber)
		}
		if opt, ok := optionFor[f.Code]; ok && residentRecord && !slices.Contains(c.Options, opt) {
			return fmt.Errorf("%w: %q without option %q", ErrFieldNotAllowed, f.Code, opt)
		}
		return nil
	}
	for _, f := range c.Header {
		if err := check(f); err != nil {
			return err
		}
	}
	for _, p := range c.Persons {
		for _, f := range p.Fields {
			if err := check(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// geometry holds the page's measurements in pixels at one dpi.
type geometry struct {
	dpi                  int
	w, h                 int
	left, right, top     int
	bottom               int // y where the code band starts
	labelW               int
	pad                  int
	line                 int // rule thickness
	body, small, title   *typeface
	big                  *typeface
	sealSide, sealImgBox int
}

func newGeometry(dpi int) (*geometry, error) {
	g := &geometry{dpi: dpi, w: mmToPx(pageWmm, dpi), h: mmToPx(pageHmm, dpi)}
	g.left, g.right, g.top = mmToPx(18, dpi), g.w-mmToPx(18, dpi), mmToPx(14, dpi)
	g.bottom = g.h - mmToPx(58, dpi)
	g.labelW = mmToPx(40, dpi)
	g.pad = mmToPx(1.6, dpi)
	g.line = max(1, dpi/200)
	g.sealSide = mmToPx(22, dpi)
	g.sealImgBox = mmToPx(24, dpi)
	var err error
	if g.body, err = newTypeface(10.5, dpi); err != nil {
		return nil, err
	}
	if g.small, err = newTypeface(8, dpi); err != nil {
		return nil, err
	}
	if g.title, err = newTypeface(20, dpi); err != nil {
		return nil, err
	}
	if g.big, err = newTypeface(12, dpi); err != nil {
		return nil, err
	}
	return g, nil
}

// A block is one horizontal slice of the content: a table row, a gap, a person heading. Pages
// are filled with blocks top to bottom; a block never splits across pages.
type block struct {
	height int
	draw   func(dst *image.Gray, y int)
}

// Render lays out the certified content c of envelope e as A4 pages with the ground pattern,
// the verification code on every page, and the certification, date, mayor and seal on the
// last. c must be the Content that e.Open returned. It refuses (ErrFieldNotAllowed,
// ErrUnprintable) rather than print a field that should not be there or text it cannot draw.
func Render(e Envelope, c Content, opts *RenderOptions) ([]*image.Gray, error) {
	o := RenderOptions{}
	if opts != nil {
		o = *opts
	}
	if o.DPI == 0 {
		o.DPI = 300
	}
	if o.DPI < 150 || o.DPI > 1200 {
		return nil, fmt.Errorf("%w: %d dpi outside 150–1200", ErrUnprintable, o.DPI)
	}
	claims, err := UnmarshalClaims(e.CodeClaims)
	if err != nil {
		return nil, err
	}
	if claims.IssuanceID != c.IssuanceID || claims.ContentSHA256 != sha256.Sum256(e.Payload) {
		return nil, fmt.Errorf("%w: content is not the envelope's", ErrMalformed)
	}
	if err := checkFields(c, o); err != nil {
		return nil, err
	}
	pt, err := loadText()
	if err != nil {
		return nil, err
	}
	g, err := newGeometry(o.DPI)
	if err != nil {
		return nil, err
	}
	claimsText, err := ClaimsCode(e)
	if err != nil {
		return nil, err
	}
	claimsQR, err := qrMatrix(claimsText)
	if err != nil {
		return nil, err
	}
	contentText, haveContent, err := ContentCode(e)
	if err != nil {
		return nil, err
	}
	haveContent = haveContent && !o.NoContentCode

	blocks, err := contentBlocks(g, pt, c)
	if err != nil {
		return nil, err
	}
	foot, err := footerBlock(g, pt, c)
	if err != nil {
		return nil, err
	}

	// Paginate: the first page starts below the title, later pages at the top margin.
	titleH := g.title.lineHeight() + g.small.lineHeight() + g.pad*3
	var pages [][]block
	var cur []block
	y := g.top + titleH
	for _, b := range blocks {
		if b.height > g.bottom-g.top {
			return nil, fmt.Errorf("%w: one item is taller than a page", ErrUnprintable)
		}
		if y+b.height > g.bottom {
			pages = append(pages, cur)
			cur, y = nil, g.top+g.small.lineHeight()
		}
		cur = append(cur, b)
		y += b.height
	}
	if y+foot.height > g.bottom {
		pages = append(pages, cur)
		cur = nil
	}
	cur = append(cur, foot)
	pages = append(pages, cur)

	out := make([]*image.Gray, len(pages))
	for i, bs := range pages {
		img := image.NewGray(image.Rect(0, 0, g.w, g.h))
		if err := drawGround(img, g.dpi); err != nil {
			return nil, err
		}
		y := g.top
		if i == 0 {
			drawTitle(img, g, pt, c)
			y += titleH
		} else {
			y += g.small.lineHeight()
		}
		for _, b := range bs {
			b.draw(img, y)
			y += b.height
		}
		if i < len(pages)-1 {
			g.small.draw(img, g.right-g.small.width(pt.Formats.Continued), g.bottom-g.pad, pt.Formats.Continued)
		}
		last := i == len(pages)-1
		var content string
		if last && haveContent {
			content = contentText
		}
		if err := drawCodeBand(img, g, pt, c, claimsQR, content, i+1, len(pages)); err != nil {
			return nil, err
		}
		out[i] = img
	}
	return out, nil
}

func drawTitle(img *image.Gray, g *geometry, pt *pageText, c Content) {
	title := pt.Titles[c.Type]
	base := g.top + g.title.ascent
	g.title.draw(img, (g.w-g.title.width(title))/2, base, title)
	if c.Copies > 1 {
		s := fmt.Sprintf(pt.Formats.Copy, c.Copies, c.CopyIndex)
		g.small.draw(img, g.right-g.small.width(s), base+g.small.lineHeight()+g.pad, s)
	}
}

// contentBlocks turns the header and persons into table rows.
func contentBlocks(g *geometry, pt *pageText, c Content) ([]block, error) {
	var out []block
	rows, err := tableRows(g, pt, c.Header)
	if err != nil {
		return nil, err
	}
	out = append(out, rows...)
	if len(rows) > 0 {
		out = append(out, gapBlock(mmToPx(4, g.dpi)))
	}
	for i, p := range c.Persons {
		if len(c.Persons) > 1 {
			s := fmt.Sprintf(pt.Formats.Person, i+1)
			h := g.body.lineHeight() + g.pad
			out = append(out, block{height: h, draw: func(dst *image.Gray, y int) {
				g.body.draw(dst, g.left, y+g.body.ascent+g.pad/2, s)
			}})
		}
		rows, err := tableRows(g, pt, p.Fields)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		out = append(out, gapBlock(mmToPx(4, g.dpi)))
	}
	return out, nil
}

func gapBlock(h int) block { return block{height: h, draw: func(*image.Gray, int) {}} }

// tableRows makes one bordered row per field: label on the left, value on the right, wrapped.
// Long multi-line values (family-register entries, address history) become several rows so
// they can run over pages.
func tableRows(g *geometry, pt *pageText, fields []Field) ([]block, error) {
	var out []block
	valueX := g.left + g.labelW + g.pad
	valueW := g.right - valueX - g.pad
	for _, f := range fields {
		label, ok := pt.Labels[f.Code]
		if !ok {
			return nil, fmt.Errorf("%w: no label for field %q", ErrUnprintable, f.Code)
		}
		if f.Code == FieldSealImage {
			seal, err := decodeSealImage(f.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, sealRow(g, label, seal))
			continue
		}
		if r := g.body.missing(f.Value); r != 0 {
			return nil, fmt.Errorf("%w: field %q has %q, which the font cannot draw", ErrUnprintable, f.Code, r)
		}
		lines := g.body.wrap(f.Value, valueW)
		// Rows of at most 6 lines; the label and the top rule only on the first.
		for start := 0; start < len(lines); start += 6 {
			chunk := lines[start:min(start+6, len(lines))]
			first := start == 0
			lastChunk := start+6 >= len(lines)
			h := len(chunk)*g.body.lineHeight() + g.pad
			if first {
				h += g.pad
			}
			out = append(out, block{height: h, draw: func(dst *image.Gray, y int) {
				top := y
				if first {
					fillGray(dst, image.Rect(g.left, y, g.right, y+g.line), 0)
					g.body.draw(dst, g.left+g.pad, y+g.pad+g.body.ascent, label)
					top += g.pad
				}
				for i, l := range chunk {
					g.body.draw(dst, valueX, top+g.body.ascent+i*g.body.lineHeight(), l)
				}
				fillGray(dst, image.Rect(g.left, y, g.left+g.line, y+h), 0)
				fillGray(dst, image.Rect(g.left+g.labelW, y, g.left+g.labelW+g.line, y+h), 0)
				fillGray(dst, image.Rect(g.right-g.line, y, g.right, y+h), 0)
				if lastChunk {
					fillGray(dst, image.Rect(g.left, y+h-g.line, g.right, y+h), 0)
				}
			}})
		}
	}
	return out, nil
}

// decodeSealImage reads the registered seal impression (PNG, base64) the center sends.
func decodeSealImage(v string) (*image.Gray, error) {
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%w: seal image: %v", ErrUnprintable, err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: seal image: %v", ErrUnprintable, err)
	}
	if b := img.Bounds(); b.Dx() < 16 || b.Dy() < 16 || b.Dx() > 2048 || b.Dy() > 2048 {
		return nil, fmt.Errorf("%w: seal image is %dx%d", ErrUnprintable, b.Dx(), b.Dy())
	}
	return toGray(img), nil
}

func sealRow(g *geometry, label string, seal *image.Gray) block {
	h := g.sealImgBox + 2*g.pad
	return block{height: h, draw: func(dst *image.Gray, y int) {
		fillGray(dst, image.Rect(g.left, y, g.right, y+g.line), 0)
		g.body.draw(dst, g.left+g.pad, y+g.pad+g.body.ascent, label)
		box := image.Rect(g.left+g.labelW+g.pad, y+g.pad, g.left+g.labelW+g.pad+g.sealImgBox, y+g.pad+g.sealImgBox)
		fillGray(dst, box, 255)
		// Fit the impression into the box, keeping its aspect ratio.
		b := seal.Rect
		s := min(float64(box.Dx())/float64(b.Dx()), float64(box.Dy())/float64(b.Dy()))
		fit := image.Rect(0, 0, int(float64(b.Dx())*s), int(float64(b.Dy())*s)).Add(box.Min)
		xdraw.ApproxBiLinear.Scale(dst, fit, seal, b, xdraw.Src, nil)
		fillGray(dst, image.Rect(g.left, y, g.left+g.line, y+h), 0)
		fillGray(dst, image.Rect(g.left+g.labelW, y, g.left+g.labelW+g.line, y+h), 0)
		fillGray(dst, image.Rect(g.right-g.line, y, g.right, y+h), 0)
		fillGray(dst, image.Rect(g.left, y+h-g.line, g.right, y+h), 0)
	}}
}

// footerBlock is the certification: sentence, as-of note, date, mayor and the municipal seal.
func footerBlock(g *geometry, pt *pageText, c Content) (block, error) {
	certify := pt.Certify[c.Type]
	if c.Type == TypeJuminhyo && len(c.Persons) > 1 {
		certify = pt.Certify["juminhyo_members"]
		if slices.Contains(c.Options, OptWholeHousehold) {
			certify = pt.Certify["juminhyo_household"]
		}
	}
	asOf := fmt.Sprintf(pt.Formats.AsOf, pt.date(c.AsOf))
	date := pt.date(c.IssuedAt)
	mayor := fmt.Sprintf(pt.Formats.Mayor, c.MunicipalityName, c.Mayor)
	sealText := []rune(fmt.Sprintf(pt.Formats.Seal, c.MunicipalityName))
	for _, s := range []string{certify, asOf, date, mayor, string(sealText)} {
		if r := g.big.missing(s); r != 0 {
			return block{}, fmt.Errorf("%w: %q cannot be drawn", ErrUnprintable, r)
		}
	}
	lh := g.big.lineHeight()
	h := mmToPx(6, g.dpi) + 2*lh + g.small.lineHeight() + max(lh, g.sealSide) + g.pad
	return block{height: h, draw: func(dst *image.Gray, y int) {
		y += mmToPx(6, g.dpi)
		g.big.draw(dst, g.left+mmToPx(8, g.dpi), y+g.big.ascent, certify)
		y += lh
		g.small.draw(dst, g.left+mmToPx(8, g.dpi), y+g.small.ascent, asOf)
		y += g.small.lineHeight()
		g.big.draw(dst, g.left+mmToPx(8, g.dpi), y+g.big.ascent, date)
		y += lh
		sealX := g.right - g.sealSide
		mx := sealX - mmToPx(4, g.dpi) - g.big.width(mayor)
		g.big.draw(dst, mx, y+g.sealSide/2+g.big.ascent/2, mayor)
		drawDemoSeal(dst, g, sealX, y, sealText)
	}}, nil
}

// drawCodeBand draws the bottom band of every page: the claims code, its caption with the
// issuance id, the content code on the last page when it fits, and the page number.
func drawCodeBand(img *image.Gray, g *geometry, pt *pageText, c Content, claimsQR *encoder.ByteMatrix, content string, page, pages int) error {
	module := max(1, mmToPx(0.5, g.dpi))
	y0 := g.bottom + mmToPx(4, g.dpi)
	side := qrSize(claimsQR, module)
	drawQR(img, g.left, y0, module, claimsQR)
	capX := g.left + side + g.pad
	// The box takes the room between the claims code and the content code (46 mm at the right).
	capW := max(mmToPx(62, g.dpi), g.right-mmToPx(46, g.dpi)-2*g.pad-capX)
	cy := y0 + mmToPx(3, g.dpi)
	fillGray(img, image.Rect(capX, cy, capX+capW, cy+5*g.small.lineHeight()), 255)
	// Caption and issuance id wrap inside the white box: an id longer than the box (the
	// center's ids are 36 characters) is broken, never drawn over the ground pattern.
	text := pt.Formats.CodeCaption + "\n" + fmt.Sprintf(pt.Formats.Issuance, c.IssuanceID)
	for _, l := range g.small.wrap(text, capW-2*g.pad) {
		g.small.draw(img, capX+g.pad, cy+g.small.ascent, l)
		cy += g.small.lineHeight()
	}
	if content != "" {
		m, err := qrMatrix(content)
		if err != nil {
			return err
		}
		// As large as fits 46 mm, but never finer than 0.3 mm a module (phone cameras).
		cm := min(mmToPx(0.5, g.dpi), mmToPx(46, g.dpi)/(m.GetWidth()+2*quietModules))
		if float64(cm)*25.4/float64(g.dpi) >= 0.3 {
			drawQR(img, g.right-qrSize(m, cm), y0, cm, m)
		}
	}
	pn := fmt.Sprintf(pt.Formats.Page, page, pages)
	py := g.h - mmToPx(8, g.dpi)
	fillGray(img, image.Rect((g.w-g.body.width(pn))/2-g.pad, py-g.body.ascent-g.pad, (g.w+g.body.width(pn))/2+g.pad, py+g.body.descent+g.pad), 255)
	g.body.draw(img, (g.w-g.body.width(pn))/2, py, pn)
	return nil
}
