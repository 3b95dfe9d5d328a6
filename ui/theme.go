package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"certkiosk/assets"
)

var (
	fontJapanese = fyne.NewStaticResource(assets.FontGothicName, assets.FontGothic)
	fontChinese  = fyne.NewStaticResource(assets.FontChineseName, assets.FontChinese)
	fontKorean   = fyne.NewStaticResource(assets.FontKoreanName, assets.FontKorean)
)

// Look is how the screen is drawn: the language (which picks the font), and the resident's
// accessibility preferences.
type Look struct {
	Lang         string
	LargeText    bool
	HighContrast bool
}

// kioskTheme is the kiosk's fyne theme for one Look.
type kioskTheme struct {
	look Look
	base fyne.Theme
}

func newTheme(l Look) *kioskTheme { return &kioskTheme{look: l, base: theme.DefaultTheme()} }

// FontFor is the font that draws lang's script. Fyne falls back per glyph to its own Noto Sans
// (Latin, Vietnamese), so the Chinese font, which has no Latin letters, still shows digits.
func FontFor(lang string, style fyne.TextStyle) fyne.Resource {
	if style.Monospace || style.Symbol {
		return nil
	}
	switch lang {
	case "ja":
		return fontJapanese
	case "zh":
		return fontChinese
	case "ko":
		return fontKorean
	}
	return nil
}

func (t *kioskTheme) Font(s fyne.TextStyle) fyne.Resource {
	if r := FontFor(t.look.Lang, s); r != nil {
		return r
	}
	return t.base.Font(s)
}

func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Colors: a calm light scheme by default; high contrast is white and yellow on black.
var (
	colInk      = color.NRGBA{0x10, 0x18, 0x20, 0xff}
	colPaper    = color.NRGBA{0xf6, 0xf7, 0xf9, 0xff}
	colPrimary  = color.NRGBA{0x00, 0x4c, 0x9e, 0xff}
	colButton   = color.NRGBA{0xdd, 0xe3, 0xea, 0xff}
	colDisabled = color.NRGBA{0x7a, 0x80, 0x88, 0xff}
	colError    = color.NRGBA{0xb0, 0x10, 0x10, 0xff}
	colSuccess  = color.NRGBA{0x1b, 0x6e, 0x20, 0xff}
	colBlack    = color.NRGBA{0, 0, 0, 0xff}
	colWhite    = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	colYellow   = color.NRGBA{0xff, 0xe0, 0x00, 0xff}
	// colHCError is cancel and errors in high contrast: light red, so cancel is never taken for
	// the yellow step forward (9:1 against black either way round).
	colHCError  = color.NRGBA{0xff, 0x99, 0x99, 0xff}
	colDarkGrey = color.NRGBA{0x30, 0x30, 0x30, 0xff}
)

// Color is the theme's colour, nudged by at most 3/255 in blue per font family: fyne's GL
// driver caches text textures by text, size, style and colour but not by the theme's font, so
// after a language switch a "1" drawn in the Japanese font would be reused, squeezed, for the
// Vietnamese keypad. A colour no eye can tell apart keeps the cache entries apart.
func (t *kioskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	c := t.color(n, v)
	nc, ok := c.(color.NRGBA)
	if !ok {
		return c
	}
	nc.B ^= fontFamily(t.look.Lang)
	return nc
}

// fontFamily numbers the fonts FontFor picks.
func fontFamily(lang string) uint8 {
	switch lang {
	case "ja":
		return 0
	case "zh":
		return 1
	case "ko":
		return 2
	}
	return 3
}

func (t *kioskTheme) color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.look.HighContrast {
		switch n {
		case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
			return colBlack
		case theme.ColorNameForeground, theme.ColorNameForegroundOnPrimary:
			if n == theme.ColorNameForegroundOnPrimary {
				return colBlack
			}
			return colWhite
		case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHover:
			return colYellow
		case theme.ColorNameButton, theme.ColorNameInputBackground:
			return colDarkGrey
		case theme.ColorNameDisabled, theme.ColorNameDisabledButton:
			return colDisabled
		case theme.ColorNameError, theme.ColorNameForegroundOnError:
			if n == theme.ColorNameForegroundOnError {
				return colBlack
			}
			return colHCError
		case theme.ColorNameSeparator, theme.ColorNameInputBorder:
			return colWhite
		}
		return t.base.Color(n, theme.VariantDark)
	}
	switch n {
	case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
		return colPaper
	case theme.ColorNameForeground:
		return colInk
	case theme.ColorNameForegroundOnPrimary:
		return colWhite
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colPrimary
	case theme.ColorNameButton, theme.ColorNameInputBackground:
		return colButton
	case theme.ColorNameError:
		return colError
	case theme.ColorNameSuccess:
		return colSuccess
	}
	return t.base.Color(n, theme.VariantLight)
}

// Text sizes in fyne units (device-independent pixels).
const (
	textNormal    = 24
	headingNormal = 34
	textLarge     = 32
	headingLarge  = 44
)

func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	large := t.look.LargeText
	switch n {
	case theme.SizeNameText:
		if large {
			return textLarge
		}
		return textNormal
	case theme.SizeNameHeadingText:
		if large {
			return headingLarge
		}
		return headingNormal
	case theme.SizeNameSubHeadingText:
		if large {
			return headingLarge - 8
		}
		return headingNormal - 8
	case theme.SizeNameCaptionText:
		if large {
			return textLarge - 4
		}
		return textNormal - 4
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 16
	case theme.SizeNameInlineIcon:
		if large {
			return 44
		}
		return 36
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 10
	case theme.SizeNameSeparatorThickness:
		return 2
	}
	return t.base.Size(n)
}
