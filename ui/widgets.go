package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minLayout gives its objects at least a minimum size and lets them fill the space.
type minLayout struct{ w, h float32 }

func (l minLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.w, l.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l minLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// sized makes o at least w×h.
func sized(o fyne.CanvasObject, w, h float32) fyne.CanvasObject {
	return container.New(minLayout{w, h}, o)
}

// button is a large touch target with text.
func (u *UI) button(text string, imp widget.Importance, tap func()) fyne.CanvasObject {
	b := widget.NewButton(text, tap)
	b.Importance = imp
	u.targets = append(u.targets, target{text: text, obj: b})
	return sized(b, 2.5*u.opts.Target, u.opts.Target)
}

// barButton is a button of the top bar: as tall as any target, narrower.
func (u *UI) barButton(text string, tap func()) fyne.CanvasObject {
	b := widget.NewButton(text, tap)
	u.targets = append(u.targets, target{text: text, obj: b})
	return sized(b, u.opts.Target, u.opts.Target*0.8)
}

// toggle is a bar button that shows whether its preference is on.
func (u *UI) toggle(text string, on bool, tap func()) fyne.CanvasObject {
	icon := theme.CheckButtonIcon()
	if on {
		icon = theme.CheckButtonCheckedIcon()
	}
	b := widget.NewButtonWithIcon(text, icon, tap)
	if on {
		b.Importance = widget.HighImportance
	}
	u.targets = append(u.targets, target{text: text, obj: b})
	return sized(b, u.opts.Target, u.opts.Target*0.8)
}

// title is the screen's heading.
func (u *UI) title(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

// para is body text.
func (u *UI) para(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

// alert is an inline message (wrong PIN, rules not met, …) drawn in the error colour.
func (u *UI) alert(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// data is text that comes from the center (names, municipality): it is drawn in the font of
// the language it is written in (Japanese), whatever the language on screen.
func (u *UI) data(text string) fyne.CanvasObject {
	return container.NewCenter(u.text(text, "ja", false, false))
}

// text is one line in the font of lang (which may differ from the screen's language: language
// names, names from the center). It is a canvas.Text with its font set, so that fyne measures
// and draws it with that font; on a selected (primary) target it uses the colour on primary.
func (u *UI) text(s, lang string, bold, onPrimary bool) *canvas.Text {
	c := theme.ColorNameForeground
	if onPrimary {
		c = theme.ColorNameForegroundOnPrimary
	}
	t := canvas.NewText(s, theme.Color(c))
	t.TextSize = theme.TextSize()
	t.TextStyle = fyne.TextStyle{Bold: bold}
	src := FontFor(lang, t.TextStyle)
	if src == FontFor(u.look.Lang, t.TextStyle) {
		// The theme's own font: no font source, so fyne does not parse the font a second time
		// (it keeps one parsed copy per font source, tens of MB for a CJK font).
		return t
	}
	if src == nil {
		src = theme.DefaultTextFont()
		if bold {
			src = theme.DefaultTextBoldFont()
		}
	}
	t.FontSource = src
	return t
}

// tile is a large touch target with one or more lines (a certificate with its fee, a person
// with the relationship): a button underneath, text on top (text takes no taps). key is the
// text tests tap it by.
func (u *UI) tile(lines []fyne.CanvasObject, icon fyne.Resource, imp widget.Importance, key string, tap func()) fyne.CanvasObject {
	b := widget.NewButton("", tap)
	b.Importance = imp
	u.targets = append(u.targets, target{text: key, obj: b})
	if icon == nil {
		for _, l := range lines {
			if t, ok := l.(*canvas.Text); ok {
				t.Alignment = fyne.TextAlignCenter
			}
		}
	}
	content := container.NewVBox(lines...)
	var row fyne.CanvasObject = container.NewCenter(content)
	if icon != nil {
		ic := widget.NewIcon(icon)
		row = container.NewBorder(nil, nil, container.NewCenter(sized(ic, 44, 44)), nil, container.NewVBox(layout.NewSpacer(), content, layout.NewSpacer()))
	}
	return sized(container.NewStack(b, container.NewPadded(container.NewPadded(row))), 4*u.opts.Target, u.opts.Target)
}

// line is a tile's line in the language on screen.
func (u *UI) line(s string, bold, onPrimary bool) fyne.CanvasObject {
	return u.text(s, u.look.Lang, bold, onPrimary)
}

// dots shows how many PIN characters were typed, never which.
func (u *UI) dots(n, slots int) fyne.CanvasObject {
	if slots < n {
		slots = n
	}
	var cs []fyne.CanvasObject
	fg := theme.Color(theme.ColorNameForeground)
	for i := 0; i < slots; i++ {
		c := canvas.NewCircle(color.Transparent)
		c.StrokeColor = fg
		c.StrokeWidth = 3
		if i < n {
			c.FillColor = fg
		}
		cs = append(cs, sized(c, 32, 32))
	}
	return container.NewCenter(container.NewHBox(cs...))
}

// wrapped is s as tile lines of at most maxW wide in the screen's language: canvas.Text (which
// tiles need for the colour on a chosen tile) does not wrap, and one long line would push the
// whole screen wider than the panel. Lines break at spaces, or between any two characters in
// text without spaces (Japanese, Chinese).
func (u *UI) wrapped(s string, bold, onPrimary bool, maxW float32) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, l := range breakLines(s, maxW, func(x string) float32 {
		return fyne.MeasureText(x, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
	}) {
		if u.said[s] {
			u.said[l] = true // a part of a text from the message files
		}
		out = append(out, u.line(l, bold, onPrimary))
	}
	return out
}

// breakLines splits s into lines no wider than maxW by width (a word longer than maxW gets a
// line of its own).
func breakLines(s string, maxW float32, width func(string) float32) []string {
	if maxW <= 0 || width(s) <= maxW {
		return []string{s}
	}
	words := strings.Fields(s)
	if len(words) == 1 {
		// No spaces: break between characters.
		var lines []string
		cur := ""
		for _, r := range s {
			if cur != "" && width(cur+string(r)) > maxW {
				lines = append(lines, cur)
				cur = ""
			}
			cur += string(r)
		}
		return append(lines, cur)
	}
	var lines []string
	cur := ""
	for _, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && width(next) > maxW {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	return append(lines, cur)
}

// bodyWidth is the width a screen's body has on this window.
func (u *UI) bodyWidth() float32 {
	w := u.win.Canvas().Size().Width
	if w <= 0 {
		w = 1280
	}
	return w - 4*theme.Padding()
}

// balance breaks a heading that does not fit maxW into lines of even length, so that Japanese
// (which fyne wraps between any two characters) never leaves one character alone on the last
// line: 「新しい暗証番号を／入れてください」, not 「…入れてくださ／い」.
func (u *UI) balance(l *widget.Label, maxW float32) {
	size := theme.Size(l.SizeName)
	if l.SizeName == "" {
		size = theme.TextSize()
	}
	width := func(s string) float32 { return fyne.MeasureText(s, size, l.TextStyle).Width }
	lines := breakLines(l.Text, maxW, width)
	if len(lines) < 2 {
		return
	}
	for w := width(l.Text) / float32(len(lines)); w < maxW; w += size / 2 {
		if even := breakLines(l.Text, w, width); len(even) == len(lines) {
			lines = even
			break
		}
	}
	said := u.said[l.Text]
	l.Text = strings.Join(lines, "\n")
	u.said[l.Text] = said
}
