package server

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"

	bolt "go.etcd.io/bbolt"
)

// Issuance states.
const (
	IssuanceIssued    = "issued"
	IssuanceCompleted = "completed"
	IssuanceVoided    = "voided"
	IssuanceRefunded  = "refunded"
)

// issuanceRecord is what the center keeps of an issuance: no certificate content.
type issuanceRecord struct {
	ID           string    `json:"id"`
	Kiosk        string    `json:"kiosk"`
	Session      string    `json:"session"`
	Municipality string    `json:"municipality"`
	Type         string    `json:"type"`
	Copies       int       `json:"copies"`
	TotalFee     int       `json:"total_fee"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	Refunded     int       `json:"refunded,omitempty"`
}

func (s *Server) handleIssue(c call, req *center.IssueRequest) result {
	now := s.now()
	ss, aerr := s.session(c.kiosk, req.SessionID, now)
	if aerr != nil {
		return result{err: aerr}
	}
	if ss.purpose != center.PurposeIssue {
		return result{err: refuse(http.StatusBadRequest, center.CodeWrongPurpose, "session was opened for a PIN reset")}
	}
	if req.Copies < 1 {
		return result{err: badRequest("copies: want at least 1")}
	}
	if req.Copies > MaxCopies {
		return result{err: forbidden(center.CodeTooManyCopies, "too many copies", "max", strconv.Itoa(MaxCopies))}
	}
	res, muni, aerr := s.recheck(ss, now, true)
	if aerr != nil {
		return result{err: aerr}
	}
	if aerr := checkResident(res, muni, now); aerr != nil {
		return result{err: aerr}
	}
	if !slices.Contains(document.Types, req.Type) {
		return result{err: badRequest("type %q: unknown certificate type", req.Type)}
	}
	item, ok := s.catalogItem(res, muni, req.Type, now)
	if !ok {
		return result{err: forbidden(center.CodeTypeNotOffered, "type not offered by this municipality", "type", req.Type)}
	}
	if !item.Available {
		return result{err: forbidden(item.Refusal, "type not available now", "type", req.Type)}
	}
	seen := map[string]bool{}
	for _, o := range req.Options {
		if !slices.Contains(item.Options, o) || seen[o] {
			return result{err: forbidden(center.CodeOptionNotOffered, "option not available", "option", o)}
		}
		seen[o] = true
	}
	persons := []Resident{res}
	if len(req.Members) > 0 {
		persons = persons[:0]
		seenM := map[string]bool{}
		for _, mid := range req.Members {
			rid, ok := ss.members[mid]
			if !ok || seenM[mid] {
				return result{err: forbidden(center.CodeNotHouseholdMember, "not a member of the resident's household", "member", mid)}
			}
			seenM[mid] = true
			if rid != res.ID && !isJuminhyo(req.Type) {
				return result{err: forbidden(center.CodeNotHouseholdMember, "this certificate is only issued for the resident", "member", mid)}
			}
			p, err := s.resident(rid)
			if err != nil {
				return result{err: internal(err)}
			}
			if p.Status != "" || p.Household != res.Household {
				return result{err: forbidden(center.CodeNotHouseholdMember, "no longer a member of the household", "member", mid)}
			}
			persons = append(persons, p)
		}
	}
	issuer, err := s.issuer(res, muni, req.Type)
	if err != nil {
		return result{err: internal(err)}
	}
	keyID := s.pki.muniKey[issuer.Code]
	priv, ok := s.pki.docKeys[keyID]
	if !ok {
		return result{err: internal(fmt.Errorf("no document key for %s", issuer.Code))}
	}
	content, err := s.content(res, persons, issuer, req.Type, req.Options)
	if err != nil {
		return result{err: internal(err)}
	}
	id := randomID("iss_")
	content.IssuanceID = id
	content.IssuedAt = now
	content.Copies = req.Copies
	content.Options = req.Options
	content.Binding = document.Binding{SessionID: ss.id, Nonce: ss.nonce, UserAuthCertSHA256: ss.authSHA256}
	ans := center.Issuance{IssuanceID: id, Type: req.Type, FeePerCopy: item.Fee, TotalFee: item.Fee * req.Copies, AsOf: content.AsOf}
	for i := 1; i <= req.Copies; i++ {
		content.CopyIndex = i
		env, err := document.Seal(content, keyID, priv)
		if err != nil {
			return result{err: internal(err)}
		}
		ans.Envelopes = append(ans.Envelopes, env)
	}
	rec := issuanceRecord{ID: id, Kiosk: c.kiosk, Session: ss.id, Municipality: issuer.Code, Type: req.Type,
		Copies: req.Copies, TotalFee: ans.TotalFee, State: IssuanceIssued, Created: now}
	return result{answer: ans, writes: func(tx *bolt.Tx) error { return putJSON(tx, bktIssuances, id, rec) }}
}

// content builds the certified data: only chosen options' fields, only the persons asked for,
// never 個人番号 where the municipality forbids it (options() already left it out).
func (s *Server) content(r Resident, persons []Resident, m Municipality, t string, opts []string) (document.Content, error) {
	has := func(o string) bool { return slices.Contains(opts, o) }
	c := document.Content{Version: 1, Type: t, MunicipalityCode: m.Code, MunicipalityName: m.Name, Mayor: m.Mayor}
	asOf := r.UpdatedAt
	f := func(code, v string) document.Field { return document.Field{Code: code, Value: v} }
	switch {
	case isJuminhyo(t):
		c.Header = []document.Field{f(document.FieldAddress, r.Address)}
		if has(document.OptHouseholdHead) {
			head := r.Name
			for _, p := range persons {
				if p.Head {
					head = p.Name
				}
			}
			if hh, err := s.household(r); err == nil {
				for _, p := range hh {
					if p.Head {
						head = p.Name
					}
				}
			}
			c.Header = append(c.Header, f(document.FieldHouseholdHead, head))
		}
		for _, p := range persons {
			if p.UpdatedAt.After(asOf) {
				asOf = p.UpdatedAt
			}
			fs := []document.Field{f(document.FieldName, p.Name), f(document.FieldNameKana, p.Kana),
				f(document.FieldBirthDate, p.Birth), f(document.FieldSex, p.SexName),
				f(document.FieldBecameResident, p.BecameResident), f(document.FieldAddressDate, p.AddressDate)}
			if p.PreviousAddress != "" {
				fs = append(fs, f(document.FieldPreviousAddress, p.PreviousAddress))
			}
			if has(document.OptHouseholdHead) {
				fs = append(fs, f(document.FieldRelationship, p.Relationship))
			}
			if has(document.OptHonseki) && !p.Foreign && p.Honseki != "" {
				fs = append(fs, f(document.FieldHonseki, p.Honseki), f(document.FieldHittosha, p.Hittosha))
			}
			if p.Foreign {
				if has(document.OptNationality) {
					fs = append(fs, f(document.FieldNationality, p.Nationality))
				}
				if has(document.OptResidenceCard) {
					fs = append(fs, f(document.FieldResidenceCard, p.ResidenceCard))
				}
				if has(document.OptResidenceStatus) {
					fs = append(fs, f(document.FieldResidenceStatus, p.ResidenceStatus), f(document.FieldResidencePeriod, p.ResidencePeriod))
				}
			}
			if has(document.OptMyNumber) && m.MyNumberAllowed {
				fs = append(fs, f(document.FieldMyNumber, p.MyNumber))
			}
			c.Persons = append(c.Persons, document.Person{Fields: fs})
		}
	case t == document.TypeInkan:
		c.Header = []document.Field{f(document.FieldAddress, r.Address)}
		c.Persons = []document.Person{{Fields: []document.Field{f(document.FieldName, r.Name), f(document.FieldBirthDate, r.Birth),
			f(document.FieldSealRegNo, r.SealRegNo), f(document.FieldSealImage, sealImage())}}}
	case isTax(t):
		tx := r.Tax
		c.Header = []document.Field{f(document.FieldTaxYear, tx.Year), f(document.FieldAddress, r.Address)}
		fs := []document.Field{f(document.FieldName, r.Name), f(document.FieldBirthDate, r.Birth)}
		if t != document.TypeKazei {
			fs = append(fs, f(document.FieldIncomeTotal, strconv.Itoa(tx.IncomeTotal)),
				f(document.FieldIncomeSalary, strconv.Itoa(tx.IncomeSalary)))
		}
		fs = append(fs, f(document.FieldDeductions, strconv.Itoa(tx.Deductions)), f(document.FieldTaxableIncome, strconv.Itoa(tx.TaxableIncome)))
		if t != document.TypeShotoku {
			fs = append(fs, f(document.FieldMunicipalTax, strconv.Itoa(tx.MunicipalTax)),
				f(document.FieldPrefecturalTax, strconv.Itoa(tx.PrefecturalTax)))
		}
		fs = append(fs, f(document.FieldDependents, strconv.Itoa(tx.Dependents)))
		c.Persons = []document.Person{{Fields: fs}}
	case isKoseki(t):
		c.Header = []document.Field{f(document.FieldHonseki, r.Honseki), f(document.FieldHittosha, r.Hittosha)}
		members := []Resident{r}
		if t == document.TypeKosekiZenbu {
			members = members[:0]
			for _, id := range r.KosekiMembers {
				p, err := s.resident(id)
				if err != nil {
					return c, err
				}
				members = append(members, p)
			}
		}
		for _, p := range members {
			if p.UpdatedAt.After(asOf) {
				asOf = p.UpdatedAt
			}
			if t == document.TypeKosekiFuhyo {
				c.Persons = append(c.Persons, document.Person{Fields: []document.Field{f(document.FieldName, p.Name),
					f(document.FieldBirthDate, p.Birth), f(document.FieldFuhyoHistory, p.FuhyoHistory)}})
				continue
			}
			fs := []document.Field{f(document.FieldName, p.Name), f(document.FieldBirthDate, p.Birth), f(document.FieldSex, p.SexName),
				f(document.FieldRelationship, p.Relationship)}
			if p.Father != "" {
				fs = append(fs, f(document.FieldFather, p.Father))
			}
			if p.Mother != "" {
				fs = append(fs, f(document.FieldMother, p.Mother))
			}
			if p.BirthPlace != "" {
				fs = append(fs, f(document.FieldBirthPlace, p.BirthPlace))
			}
			if p.BirthRecord != "" {
				fs = append(fs, f(document.FieldBirthRecord, p.BirthRecord))
			}
			if p.MarriageRecord != "" {
				fs = append(fs, f(document.FieldMarriageRecord, p.MarriageRecord))
			}
			c.Persons = append(c.Persons, document.Person{Fields: fs})
		}
	default:
		return c, fmt.Errorf("content of %q: no layout", t)
	}
	c.AsOf = asOf
	return c, nil
}

// sealImage is a small red ring standing in for a registered seal's impression (PNG, base64).
var sealImage = sync.OnceValue(func() string {
	const n = 48
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	red := color.NRGBA{R: 200, G: 30, B: 30, A: 255}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := x-n/2, y-n/2
			d := dx*dx + dy*dy
			if d <= 22*22 && d >= 18*18 || (x == n/2 && y > 10 && y < 38) || (y == n/2 && x > 14 && x < 34) {
				img.Set(x, y, red)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(fmt.Sprintf("seal image: %v", err)) // encoding an in-memory image cannot fail
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
})

// recheck reads the session's resident and municipality again and decides once more what login
// decided: the world may have changed since (revocation, a move, maintenance, closing time).
func (s *Server) recheck(ss session, now time.Time, issuance bool) (Resident, Municipality, *apiError) {
	res, err := s.resident(ss.resident)
	if err != nil {
		return res, Municipality{}, internal(err)
	}
	muni, err := s.municipality(res.Municipality)
	if err != nil {
		return res, muni, internal(err)
	}
	if aerr := s.checkCard(res, ss.certKind); aerr != nil {
		return res, muni, aerr
	}
	if aerr := s.checkServiceTime(muni, now, issuance); aerr != nil {
		return res, muni, aerr
	}
	return res, muni, nil
}
