package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"certkiosk/assets"
)

// Languages are the languages the UI speaks, in the order the language screen shows them.
var Languages = []string{"ja", "en", "zh", "ko", "vi", "pt", "es", "tl"}

// DefaultLanguage is the language of the attract screen.
const DefaultLanguage = "ja"

// Messages looks up the message files for every language.
type Messages struct {
	bundle *i18n.Bundle
	loc    map[string]*i18n.Localizer
	keys   map[string]map[string]bool // language → keys its file defines
}

// ErrMissingMessage is wrapped by Messages.Text when a key is defined in no language.
var ErrMissingMessage = errors.New("ui: message key not defined")

// LoadMessages reads the message files of every language in Languages from fsys (the embedded
// assets.Messages in production).
func LoadMessages(fsys fs.FS, dir string) (*Messages, error) {
	b := i18n.NewBundle(language.Japanese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	m := &Messages{bundle: b, loc: map[string]*i18n.Localizer{}, keys: map[string]map[string]bool{}}
	for _, l := range Languages {
		name := path.Join(dir, l+".toml")
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read messages %s: %w", name, err)
		}
		f, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("parse messages %s: %w", name, err)
		}
		keys := map[string]bool{}
		for _, msg := range f.Messages {
			keys[msg.ID] = true
		}
		m.keys[l] = keys
		m.loc[l] = i18n.NewLocalizer(b, l)
	}
	return m, nil
}

// BundledMessages are the message files embedded in the binary.
func BundledMessages() (*Messages, error) {
	return LoadMessages(assets.Messages, assets.MessagesDir)
}

// Has reports whether the file of lang defines key itself (no fallback).
func (m *Messages) Has(lang, key string) bool { return m.keys[lang][key] }

// Keys lists the keys the file of lang defines.
func (m *Messages) Keys(lang string) []string {
	var out []string
	for k := range m.keys[lang] {
		out = append(out, k)
	}
	return out
}

// Text is key in lang with data filled in. A key missing in lang falls back to Japanese; a key
// missing everywhere is an error (tests make sure that never reaches a resident).
func (m *Messages) Text(lang, key string, data map[string]any) (string, error) {
	loc, ok := m.loc[lang]
	if !ok {
		loc = m.loc[DefaultLanguage]
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		var nf *i18n.MessageNotFoundErr
		if errors.As(err, &nf) && s == "" {
			return "", fmt.Errorf("%w: %s", ErrMissingMessage, key)
		}
		if s == "" {
			return "", fmt.Errorf("message %s in %s: %w", key, lang, err)
		}
	}
	if strings.Contains(s, "<no value>") { //lint:notext text/template's mark for missing data
		return s, fmt.Errorf("message %s in %s: template data missing", key, lang)
	}
	return s, nil
}
