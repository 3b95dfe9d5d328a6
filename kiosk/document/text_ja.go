package document

import (
	"fmt"
	"sync"
	"time"

	"certkiosk/assets"

	"github.com/BurntSushi/toml"
)

// pageText is the printed wording of the certificates, read from assets/text/certificate_ja.toml.
type pageText struct {
	Titles  map[string]string `toml:"titles"`
	Certify map[string]string `toml:"certify"`
	Labels  map[string]string `toml:"labels"`
	Formats struct {
		Date        string `toml:"date"`
		FirstYear   string `toml:"first_year"`
		AsOf        string `toml:"as_of"`
		Page        string `toml:"page"`
		Issuance    string `toml:"issuance"`
		Copy        string `toml:"copy"`
		Mayor       string `toml:"mayor"`
		Seal        string `toml:"seal"`
		Person      string `toml:"person"`
		CodeCaption string `toml:"code_caption"`
		Continued   string `toml:"continued"`
	} `toml:"formats"`
	Eras []struct {
		Name  string    `toml:"name"`
		Start time.Time `toml:"start"`
	} `toml:"eras"`
}

var (
	textOnce sync.Once
	textJA   *pageText
	textErr  error
)

func loadText() (*pageText, error) {
	textOnce.Do(func() {
		var t pageText
		if _, err := toml.Decode(string(assets.CertificateTextJA), &t); err != nil {
			textErr = fmt.Errorf("certificate text: %w", err)
			return
		}
		for _, ty := range Types {
			if t.Titles[ty] == "" || t.Certify[ty] == "" {
				textErr = fmt.Errorf("certificate text: no title or certification sentence for %q", ty)
				return
			}
		}
		if len(t.Eras) == 0 {
			textErr = fmt.Errorf("certificate text: no eras")
			return
		}
		textJA = &t
	})
	return textJA, textErr
}

// jst is Japan Standard Time; fixed, so no tz database is needed on the kiosk.
var jst = time.FixedZone("JST", 9*60*60)

// date formats t (in JST) the way certificates print dates: era, year of the era, month, day.
func (pt *pageText) date(t time.Time) string {
	t = t.In(jst)
	for _, e := range pt.Eras {
		start := time.Date(e.Start.Year(), e.Start.Month(), e.Start.Day(), 0, 0, 0, 0, jst)
		if !t.Before(start) {
			y := t.Year() - e.Start.Year() + 1
			ys := fmt.Sprint(y)
			if y == 1 {
				ys = pt.Formats.FirstYear
			}
			return fmt.Sprintf(pt.Formats.Date, e.Name, ys, int(t.Month()), t.Day())
		}
	}
	return t.Format("2006-01-02")
}
