package server

import (
	"encoding/json"
	"fmt"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"
)

// MaxCopies bounds the copies of one issuance.
const MaxCopies = 10

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

func isKoseki(t string) bool {
	return t == document.TypeKosekiZenbu || t == document.TypeKosekiKojin || t == document.TypeKosekiFuhyo
}

func isTax(t string) bool {
	return t == document.TypeShotoku || t == document.TypeKazei || t == document.TypeShotokuKazei
}

func isJuminhyo(t string) bool { return t == document.TypeJuminhyo || t == document.TypeJuminhyoKisai }

// issuer returns the municipality that issues type t for r: the 本籍地 for 戸籍 items, the
// municipality of residence for the rest.
func (s *Server) issuer(r Resident, res Municipality, t string) (Municipality, error) {
	if !isKoseki(t) || r.HonsekiMuni == "" || r.HonsekiMuni == res.Code {
		return res, nil
	}
	return s.municipality(r.HonsekiMuni)
}

// catalog lists every type the resident could ask for, each with whether it is available now and,
// if not, the refusal code.
func (s *Server) catalog(r Resident, m Municipality, now time.Time) []center.CatalogItem {
	var out []center.CatalogItem
	for _, t := range document.Types {
		it, ok := s.catalogItem(r, m, t, now)
		if ok {
			out = append(out, it)
		}
	}
	return out
}

// catalogItem describes type t for r; ok is false when no municipality involved offers it.
func (s *Server) catalogItem(r Resident, m Municipality, t string, now time.Time) (center.CatalogItem, bool) {
	im, err := s.issuer(r, m, t)
	if err != nil {
		return center.CatalogItem{}, false
	}
	rule, offered := im.Types[t]
	if !offered && isKoseki(t) && im.Code != m.Code {
		// 本籍地 outside the service: show it, so the resident learns why.
		rule, offered = m.Types[t]
		if offered {
			it := center.CatalogItem{Type: t, Fee: rule.Fee, MaxCopies: MaxCopies, Hours: rule.Hours, Options: []string{},
				Refusal: center.CodeKosekiNotRegisteredHere}
			return it, true
		}
	}
	if !offered {
		return center.CatalogItem{}, false
	}
	it := center.CatalogItem{Type: t, Fee: rule.Fee, MaxCopies: MaxCopies, Hours: rule.Hours, Options: options(r, m, t)}
	it.Refusal = availability(r, m, im, t, rule, now)
	it.Available = it.Refusal == ""
	return it, true
}

// options are the option codes r may choose for t.
func options(r Resident, m Municipality, t string) []string {
	if !isJuminhyo(t) {
		return []string{}
	}
	o := []string{document.OptHouseholdHead}
	if r.Foreign {
		o = append(o, document.OptNationality, document.OptResidenceCard, document.OptResidenceStatus)
	} else {
		o = append(o, document.OptHonseki)
	}
	if m.MyNumberAllowed {
		o = append(o, document.OptMyNumber)
	}
	return o
}

// availability is "" when r can have t now, else the refusal code.
func availability(r Resident, m, issuer Municipality, t string, rule TypeRule, now time.Time) string {
	switch {
	case isKoseki(t) && (r.Foreign || r.HonsekiMuni == ""):
		return center.CodeNoFamilyRegister
	case isKoseki(t) && !issuer.Participating:
		return center.CodeKosekiNotRegisteredHere
	case isKoseki(t) && issuer.Code != m.Code && !r.KosekiRegistered:
		return center.CodeKosekiRegistrationRequired
	case isKoseki(t) && issuer.Maintenance:
		return center.CodeMaintenance
	case t == document.TypeInkan && r.SealRegNo == "":
		return center.CodeNoSealRegistration
	case isTax(t) && r.Tax == nil:
		return center.CodeNoTaxRecord
	case !withinHours(rule.Hours, now):
		return center.CodeOutsideHours
	}
	return ""
}
