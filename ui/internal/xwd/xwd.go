// Package xwd reads the X Window Dump files Xvfb keeps its screen in (-fbdir), so screenshots
// of the real window can be taken without ImageMagick. Standard library only; for development
// tools (uidemo), never the firmware.
package xwd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
)

// ErrFormat is a dump this reader does not handle.
var ErrFormat = errors.New("xwd: unsupported format")

type header struct {
	HeaderSize, FileVersion, PixmapFormat, PixmapDepth, Width, Height, XOffset, ByteOrder,
	BitmapUnit, BitmapBitOrder, BitmapPad, BitsPerPixel, BytesPerLine, VisualClass,
	RedMask, GreenMask, BlueMask, BitsPerRGB, ColormapEntries, NColors,
	WindowWidth, WindowHeight, WindowX, WindowY, WindowBorderWidth uint32
}

// Decode reads a version-7 ZPixmap dump with 24 or 32 bits per pixel (what Xvfb writes at
// depth 24).
func Decode(b []byte) (image.Image, error) {
	var h header
	const hsize = 25 * 4
	if len(b) < hsize {
		return nil, fmt.Errorf("%w: %d bytes", ErrFormat, len(b))
	}
	vals := make([]uint32, 25)
	for i := range vals {
		vals[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	h = header{vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7], vals[8], vals[9],
		vals[10], vals[11], vals[12], vals[13], vals[14], vals[15], vals[16], vals[17], vals[18], vals[19],
		vals[20], vals[21], vals[22], vals[23], vals[24]}
	if h.FileVersion != 7 || h.PixmapFormat != 2 || (h.BitsPerPixel != 32 && h.BitsPerPixel != 24) {
		return nil, fmt.Errorf("%w: version %d, format %d, %d bits per pixel", ErrFormat, h.FileVersion, h.PixmapFormat, h.BitsPerPixel)
	}
	off := int(h.HeaderSize) + int(h.NColors)*12
	w, ht, bpl, bpp := int(h.Width), int(h.Height), int(h.BytesPerLine), int(h.BitsPerPixel/8)
	if off < 0 || bpl < w*bpp || len(b) < off+bpl*ht {
		return nil, fmt.Errorf("%w: %dx%d, %d bytes per line, file %d bytes", ErrFormat, w, ht, bpl, len(b))
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, ht))
	for y := 0; y < ht; y++ {
		row := b[off+y*bpl:]
		for x := 0; x < w; x++ {
			p := row[x*bpp:]
			var v uint32
			if h.ByteOrder == 0 { // LSB first
				for i := bpp - 1; i >= 0; i-- {
					v = v<<8 | uint32(p[i])
				}
			} else {
				for i := 0; i < bpp; i++ {
					v = v<<8 | uint32(p[i])
				}
			}
			img.SetNRGBA(x, y, color.NRGBA{channel(v, h.RedMask), channel(v, h.GreenMask), channel(v, h.BlueMask), 0xff})
		}
	}
	return img, nil
}

func channel(v, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	shift := 0
	for mask&1 == 0 {
		mask >>= 1
		shift++
	}
	return uint8((v >> shift) & mask)
}
