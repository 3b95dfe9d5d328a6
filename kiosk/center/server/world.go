package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"certkiosk/kiosk/center"
)

// JST is the center's time zone. A fixed zone: no tzdata needed, and Japan has no DST.
var JST = time.FixedZone("JST", 9*3600)

// Municipality is one municipality's rules for kiosk issuance.
type Municipality struct {
	Code            string              `json:"code"`
	Name            string              `json:"name"`
	Prefecture      string              `json:"prefecture"`
	RomajiPref      string              `json:"romaji_pref"` // signature certificate subject L
	RomajiCity      string              `json:"romaji_city"`
	Mayor           string              `json:"mayor"`
	Participating   bool                `json:"participating"`
	MyNumberAllowed bool                `json:"my_number_allowed"` // 個人番号 printable on request
	Types           map[string]TypeRule `json:"types"`             // offered types
	Maintenance     bool                `json:"maintenance"`
	KeyID           string              `json:"key_id"` // document signing key
}

// TypeRule is the fee and hours of one offered type.
type TypeRule struct {
	Fee   int          `json:"fee"`
	Hours center.Hours `json:"hours"`
}

// Resident is one person in the reference center's world. Everything here is invented.
type Resident struct {
	ID              string `json:"id"`
	Case            string `json:"case"` // what this resident demonstrates ("ok" or a refusal code)
	Municipality    string `json:"municipality"`
	Household       string `json:"household"`
	Name            string `json:"name"`
	Kana            string `json:"kana"`
	Birth           string `json:"birth"`    // YYYY-MM-DD
	Sex             string `json:"sex"`      // 1 male, 2 female (signature certificate code)
	SexName         string `json:"sex_name"` // as printed
	Relationship    string `json:"relationship"`
	Head            bool   `json:"head,omitempty"`
	Foreign         bool   `json:"foreign,omitempty"`
	Nationality     string `json:"nationality,omitempty"`
	ResidenceCard   string `json:"residence_card,omitempty"`
	ResidenceStatus string `json:"residence_status,omitempty"`
	ResidencePeriod string `json:"residence_period,omitempty"`
	MyNumber        string `json:"my_number"`
	Address         string `json:"address"`
	AddressDate     string `json:"address_date"`
	BecameResident  string `json:"became_resident"`
	PreviousAddress string `json:"previous_address,omitempty"`

	Status         string `json:"status,omitempty"` // "", moved_out, move_out_filed, deceased
	MovedIn        string `json:"moved_in,omitempty"`
	Protected      bool   `json:"protected,omitempty"`
	LimitsExceeded bool   `json:"limits_exceeded,omitempty"`
	FaceAuth       bool   `json:"face_auth,omitempty"`

	Honseki          string   `json:"honseki,omitempty"`
	HonsekiMuni      string   `json:"honseki_muni,omitempty"`
	Hittosha         string   `json:"hittosha,omitempty"`
	KosekiRegistered bool     `json:"koseki_registered,omitempty"`
	KosekiMembers    []string `json:"koseki_members,omitempty"` // resident ids in the same 戸籍
	Father           string   `json:"father,omitempty"`
	Mother           string   `json:"mother,omitempty"`
	BirthPlace       string   `json:"birth_place,omitempty"`
	MarriageRecord   string   `json:"marriage_record,omitempty"`
	FuhyoHistory     string   `json:"fuhyo_history,omitempty"`
	BirthRecord      string   `json:"birth_record,omitempty"`

	SealRegNo string `json:"seal_reg_no,omitempty"`
	Tax       *Tax   `json:"tax,omitempty"`

	AuthPIN    string `json:"auth_pin"`
	SigPIN     string `json:"sig_pin,omitempty"`
	NoSigCert  bool   `json:"no_sig_cert,omitempty"`
	CertPlan   string `json:"cert_plan,omitempty"` // "", "expired", "renewal_soon"
	AuthStatus string `json:"auth_status,omitempty"`
	SigStatus  string `json:"sig_status,omitempty"`
	Token      string `json:"token,omitempty"` // jpkisim token kind; "" = card

	UpdatedAt time.Time `json:"updated_at"` // as-of time of this record
}

// Certificate statuses.
const (
	StatusRevoked   = "revoked"
	StatusSuspended = "suspended"
)

// Resident statuses.
const (
	ResidentMovedOut     = "moved_out"
	ResidentMoveOutFiled = "move_out_filed"
	ResidentDeceased     = "deceased"
)

// Tax is one year's tax record.
type Tax struct {
	Year           string `json:"year"`
	IncomeTotal    int    `json:"income_total"`
	IncomeSalary   int    `json:"income_salary"`
	Deductions     int    `json:"deductions"`
	TaxableIncome  int    `json:"taxable_income"`
	MunicipalTax   int    `json:"municipal_tax"`
	PrefecturalTax int    `json:"prefectural_tax"`
	Dependents     int    `json:"dependents"`
}

// Municipality codes of the seeded world.
const (
	MuniMidorino = "990001" // みどり野市: prints 個人番号 on request, cheaper, 戸籍 every day
	MuniAoba     = "990002" // あおば町: never 個人番号, dearer, 戸籍 weekdays 9:00–17:00, no 記載事項証明書
	MuniKawasemi = "990003" // かわせみ村: not in the service
)

// Service hours of the kiosk service (minutes after midnight, JST).
const (
	ServiceOpen  = 6*60 + 30
	ServiceClose = 23 * 60
)

// seedWorld is the demo world: municipalities and residents. Dates relative to the first start
// are written {seed}, {seed+2y}, {seed-10y2m} so that under-15s stay under 15 and the move-in-day
// resident moved in on the day the center was created.
//
//go:embed seed/world.json
var seedWorld []byte

type world struct {
	Municipalities []Municipality `json:"municipalities"`
	Residents      []Resident     `json:"residents"`
}

// loadWorld parses the embedded demo world with its relative dates resolved against seed.
func loadWorld(seed time.Time) (world, error) {
	day := func(y, m int) string { return seed.In(JST).AddDate(y, m, 0).Format("2006-01-02") }
	text := strings.NewReplacer("{seed}", day(0, 0), "{seed+2y}", day(2, 0), "{seed-10y2m}", day(-10, -2)).Replace(string(seedWorld))
	var w world
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("demo world: %w", err)
	}
	for i := range w.Residents {
		r := &w.Residents[i]
		r.UpdatedAt = seed
		if r.MyNumber == "" {
			r.MyNumber = fakeMyNumber(r.ID)
		}
		if r.Municipality == "" || r.Household == "" || r.AuthPIN == "" {
			return w, fmt.Errorf("demo world: resident %q lacks municipality, household or PIN", r.ID)
		}
	}
	return w, nil
}

// fakeMyNumber makes a 12-digit number with a valid check digit (the real algorithm), from the
// resident id: test data only.
func fakeMyNumber(id string) string {
	var d [11]int
	h := 7
	for _, c := range id {
		h = h*31 + int(c)
	}
	for i := range d {
		h = h*1103515245 + 12345
		if h < 0 {
			h = -h
		}
		d[i] = (h >> 8) % 10
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		q := n + 1
		if n > 6 {
			q = n - 5
		}
		sum += d[11-n] * q
	}
	check := 11 - sum%11
	if check >= 10 {
		check = 0
	}
	b := make([]byte, 12)
	for i := range d {
		b[i] = byte('0' + d[i])
	}
	b[11] = byte('0' + check)
	return string(b)
}
