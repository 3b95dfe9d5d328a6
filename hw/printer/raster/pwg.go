package raster

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
)

// PWG Raster constants (PWG 5102.4 §4).
const (
	pwgSync       = "RaS2"
	pwgHeaderSize = 1796

	// Colour spaces used here.
	csBlack = 3  // 1 = black ink
	csSGray = 18 // 0 = black, 255 = white
)

// PWGType is a pwg-raster-document-type-supported keyword this encoder can write.
type PWGType string

const (
	Black1 PWGType = "black_1" // 1 bit, 1 = ink: the smallest job, crisp ground-pattern dots
	SGray8 PWGType = "sgray_8" // 8 bit grey, 255 = white
)

// ErrBadPWG reports a PWG Raster stream that is not well formed.
var ErrBadPWG = errors.New("raster: malformed PWG raster")

// header offsets (PWG 5102.4 Table 1).
const (
	offMediaClass     = 0
	offHWResolution   = 276
	offNumCopies      = 340
	offPageSize       = 352
	offWidth          = 372
	offHeight         = 376
	offBitsPerColor   = 384
	offBitsPerPixel   = 388
	offBytesPerLine   = 392
	offColorOrder     = 396
	offColorSpace     = 400
	offNumColors      = 420
	offTotalPageCount = 452
	offCrossFeed      = 456
	offFeed           = 460
	offPrintQuality   = 484
	offPageSizeName   = 1732
)

// EncodePWG writes pages (all at dpi) as one PWG Raster document of type t on A4.
func EncodePWG(w io.Writer, pages []*image.Gray, dpi int, t PWGType) error {
	if t != Black1 && t != SGray8 {
		return fmt.Errorf("pwg raster: unsupported type %q", t)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString(pwgSync); err != nil {
		return fmt.Errorf("pwg raster: %w", err)
	}
	var line, prev []byte
	for n, p := range pages {
		W, H := p.Rect.Dx(), p.Rect.Dy()
		bpl := W
		if t == Black1 {
			bpl = (W + 7) / 8
		}
		h := make([]byte, pwgHeaderSize)
		copy(h[offMediaClass:], "PwgRaster")
		be := binary.BigEndian
		be.PutUint32(h[offHWResolution:], uint32(dpi))
		be.PutUint32(h[offHWResolution+4:], uint32(dpi))
		be.PutUint32(h[offNumCopies:], 1)
		be.PutUint32(h[offPageSize:], uint32(W*72/dpi))
		be.PutUint32(h[offPageSize+4:], uint32(H*72/dpi))
		be.PutUint32(h[offWidth:], uint32(W))
		be.PutUint32(h[offHeight:], uint32(H))
		be.PutUint32(h[offBytesPerLine:], uint32(bpl))
		be.PutUint32(h[offColorOrder:], 0) // chunky
		be.PutUint32(h[offNumColors:], 1)
		be.PutUint32(h[offTotalPageCount:], uint32(len(pages)))
		be.PutUint32(h[offCrossFeed:], 1)
		be.PutUint32(h[offFeed:], 1)
		be.PutUint32(h[offPrintQuality:], 4) // normal
		copy(h[offPageSizeName:], "iso_a4_210x297mm")
		if t == Black1 {
			be.PutUint32(h[offBitsPerColor:], 1)
			be.PutUint32(h[offBitsPerPixel:], 1)
			be.PutUint32(h[offColorSpace:], csBlack)
		} else {
			be.PutUint32(h[offBitsPerColor:], 8)
			be.PutUint32(h[offBitsPerPixel:], 8)
			be.PutUint32(h[offColorSpace:], csSGray)
		}
		if _, err := bw.Write(h); err != nil {
			return fmt.Errorf("pwg raster page %d: %w", n+1, err)
		}
		line = make([]byte, bpl)
		prev = make([]byte, bpl)
		for y := 0; y < H; {
			packLine(line, p, y, t)
			// Count identical following lines (at most 256 in one record).
			rep := 0
			for y+rep+1 < H && rep < 255 {
				packLine(prev, p, y+rep+1, t)
				if !bytes.Equal(prev, line) {
					break
				}
				rep++
			}
			bw.WriteByte(byte(rep))
			writeRuns(bw, line)
			y += rep + 1
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("pwg raster: %w", err)
	}
	return nil
}

// packLine converts row y of p into the raster line format.
func packLine(dst []byte, p *image.Gray, y int, t PWGType) {
	row := p.Pix[y*p.Stride : y*p.Stride+p.Rect.Dx()]
	if t == SGray8 {
		copy(dst, row)
		return
	}
	clear(dst)
	for x, v := range row {
		if v < 128 {
			dst[x>>3] |= 0x80 >> (x & 7)
		}
	}
}

// writeRuns is PWG's PackBits variant with one-byte pixels: 0..127 = repeat next byte n+1
// times; 129..255 = 257-n literal bytes follow.
func writeRuns(w *bufio.Writer, b []byte) {
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && b[j] == b[i] && j-i < 128 {
			j++
		}
		if j-i >= 2 {
			w.WriteByte(byte(j - i - 1))
			w.WriteByte(b[i])
			i = j
			continue
		}
		// Literal run until two equal bytes start a repeat.
		j = i + 1
		for j < len(b) && j-i < 128 && !(j+1 < len(b) && b[j] == b[j+1]) {
			j++
		}
		w.WriteByte(byte(257 - (j - i)))
		w.Write(b[i:j])
		i = j
	}
}

// PWGPage is one decoded page.
type PWGPage struct {
	DPI   int
	Image *image.Gray
}

// DecodePWG reads a PWG Raster document of type black_1 or sgray_8 (what EncodePWG writes and
// what ippeveprinter stores). It rejects anything malformed with ErrBadPWG.
func DecodePWG(r io.Reader) ([]PWGPage, error) {
	br := bufio.NewReader(r)
	sync := make([]byte, 4)
	if _, err := io.ReadFull(br, sync); err != nil || string(sync) != pwgSync {
		return nil, fmt.Errorf("%w: no RaS2 sync word", ErrBadPWG)
	}
	var pages []PWGPage
	for {
		h := make([]byte, pwgHeaderSize)
		if _, err := io.ReadFull(br, h); err != nil {
			if errors.Is(err, io.EOF) && len(pages) > 0 {
				return pages, nil
			}
			return nil, fmt.Errorf("%w: page %d header: %v", ErrBadPWG, len(pages)+1, err)
		}
		be := binary.BigEndian
		W, H := int(be.Uint32(h[offWidth:])), int(be.Uint32(h[offHeight:]))
		bits, cs := be.Uint32(h[offBitsPerPixel:]), be.Uint32(h[offColorSpace:])
		bpl := int(be.Uint32(h[offBytesPerLine:]))
		dpi := int(be.Uint32(h[offHWResolution:]))
		// A4 at 600 dpi is 4961×7016: allow up to 40 M pixels, refuse what would exhaust memory.
		if W <= 0 || H <= 0 || W > 10000 || H > 15000 || W*H > 40_000_000 {
			return nil, fmt.Errorf("%w: page size %dx%d", ErrBadPWG, W, H)
		}
		var black1 bool
		switch {
		case bits == 1 && (cs == csBlack || cs == 1 /* k */):
			black1 = true
			if bpl != (W+7)/8 {
				return nil, fmt.Errorf("%w: %d bytes per line for %d 1-bit pixels", ErrBadPWG, bpl, W)
			}
		case bits == 8 && (cs == csSGray || cs == 0 /* w */):
			if bpl != W {
				return nil, fmt.Errorf("%w: %d bytes per line for %d 8-bit pixels", ErrBadPWG, bpl, W)
			}
		default:
			return nil, fmt.Errorf("%w: %d bits per pixel in colour space %d not supported", ErrBadPWG, bits, cs)
		}
		white := byte(0xFF)
		if black1 {
			white = 0
		}
		img := image.NewGray(image.Rect(0, 0, W, H))
		line := make([]byte, bpl)
		for y := 0; y < H; {
			rep, err := br.ReadByte()
			if err != nil {
				return nil, fmt.Errorf("%w: page %d line %d: %v", ErrBadPWG, len(pages)+1, y, err)
			}
			for x := 0; x < bpl; {
				c, err := br.ReadByte()
				if err != nil {
					return nil, fmt.Errorf("%w: page %d line %d: %v", ErrBadPWG, len(pages)+1, y, err)
				}
				switch {
				case c == 0x80:
					for ; x < bpl; x++ {
						line[x] = white
					}
				case c < 0x80:
					v, err := br.ReadByte()
					if err != nil {
						return nil, fmt.Errorf("%w: truncated run: %v", ErrBadPWG, err)
					}
					n := int(c) + 1
					if x+n > bpl {
						return nil, fmt.Errorf("%w: run past end of line %d", ErrBadPWG, y)
					}
					for k := 0; k < n; k++ {
						line[x+k] = v
					}
					x += n
				default:
					n := 257 - int(c)
					if x+n > bpl {
						return nil, fmt.Errorf("%w: literal past end of line %d", ErrBadPWG, y)
					}
					if _, err := io.ReadFull(br, line[x:x+n]); err != nil {
						return nil, fmt.Errorf("%w: truncated literal: %v", ErrBadPWG, err)
					}
					x += n
				}
			}
			for k := 0; k <= int(rep) && y < H; k++ {
				row := img.Pix[y*img.Stride : y*img.Stride+W]
				if black1 {
					for x := range row {
						if line[x>>3]&(0x80>>(x&7)) != 0 {
							row[x] = 0
						} else {
							row[x] = 255
						}
					}
				} else {
					copy(row, line)
				}
				y++
			}
		}
		pages = append(pages, PWGPage{DPI: dpi, Image: img})
	}
}
