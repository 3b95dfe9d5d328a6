package server

import (
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"
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
	Birth           string `json:"birth"` // YYYY-MM-DD
	Sex             string `json:"sex"`   // 1 male, 2 female
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

var allDay = center.Hours{Open: ServiceOpen, Close: ServiceClose}
var officeHours = center.Hours{Open: 9 * 60, Close: 17 * 60, WeekdaysOnly: true}

func seedMunicipalities() []Municipality {
	return []Municipality{
		{
			Code: MuniMidorino, Name: "みどり野市", Prefecture: "東京都", RomajiPref: "Tokyo-to", RomajiCity: "Midorino-shi",
			Mayor: "緑野　一郎", Participating: true, MyNumberAllowed: true, KeyID: MuniMidorino + "-k1",
			Types: map[string]TypeRule{
				document.TypeJuminhyo: {200, allDay}, document.TypeJuminhyoKisai: {200, allDay},
				document.TypeInkan: {200, allDay}, document.TypeShotoku: {200, allDay},
				document.TypeKazei: {200, allDay}, document.TypeShotokuKazei: {200, allDay},
				document.TypeKosekiZenbu: {350, allDay}, document.TypeKosekiKojin: {350, allDay},
				document.TypeKosekiFuhyo: {200, allDay},
			},
		},
		{
			Code: MuniAoba, Name: "あおば町", Prefecture: "神奈川県", RomajiPref: "Kanagawa-ken", RomajiCity: "Aoba-machi",
			Mayor: "青葉　正子", Participating: true, MyNumberAllowed: false, KeyID: MuniAoba + "-k1",
			Types: map[string]TypeRule{
				document.TypeJuminhyo: {300, allDay}, document.TypeInkan: {300, allDay},
				document.TypeShotokuKazei: {300, allDay},
				document.TypeKosekiZenbu:  {450, officeHours}, document.TypeKosekiKojin: {450, officeHours},
				document.TypeKosekiFuhyo: {300, officeHours},
			},
		},
		{
			Code: MuniKawasemi, Name: "かわせみ村", Prefecture: "長野県", RomajiPref: "Nagano-ken", RomajiCity: "Kawasemi-mura",
			Mayor: "川蝉　進", Participating: false, KeyID: MuniKawasemi + "-k1", Types: map[string]TypeRule{},
		},
	}
}

// seedResidents builds the demo residents relative to the seed date (so under-15s stay under 15
// and the move-in-day resident moved in on the seed day).
func seedResidents(seed time.Time) []Resident {
	day := seed.In(JST).Format("2006-01-02")
	childBirth := seed.In(JST).AddDate(-10, -2, 0).Format("2006-01-02")
	midoriAddr := "東京都みどり野市若葉町一丁目2番3号"
	aobaAddr := "神奈川県あおば町中央四丁目5番6号"
	tax := func(total, salary int) *Tax {
		ded := 430000 + 330000
		taxable := total - ded
		if taxable < 0 {
			taxable = 0
		}
		return &Tax{Year: "令和8年度", IncomeTotal: total, IncomeSalary: salary, Deductions: ded, TaxableIncome: taxable,
			MunicipalTax: taxable * 6 / 100, PrefecturalTax: taxable * 4 / 100}
	}
	base := func(id, cs, muni, hh, name, kana, birth, sex, rel string) Resident {
		addr := midoriAddr
		if muni == MuniAoba {
			addr = aobaAddr
		}
		if muni == MuniKawasemi {
			addr = "長野県かわせみ村大字清水7番地"
		}
		return Resident{ID: id, Case: cs, Municipality: muni, Household: hh, Name: name, Kana: kana, Birth: birth,
			Sex: sex, Relationship: rel, Address: addr, AddressDate: "2015-04-01", BecameResident: "2015-04-01",
			PreviousAddress: "埼玉県さくら市本町8丁目9番10号", MyNumber: fakeMyNumber(id), AuthPIN: "1234", SigPIN: "ABC123"}
	}
	yamadaKoseki := []string{"r101", "r102", "r103"}
	rs := []Resident{}
	add := func(r Resident) { rs = append(rs, r) }

	// みどり野市: a Japanese household with 本籍 inside, seal and tax records.
	r := base("r101", "ok", MuniMidorino, "h101", "山田　太郎", "やまだ　たろう", "1980-04-01", "1", "世帯主")
	r.Head, r.Honseki, r.HonsekiMuni, r.Hittosha = true, "東京都みどり野市若葉町一丁目2番地", MuniMidorino, "山田　太郎"
	r.KosekiMembers, r.Father, r.Mother, r.BirthPlace = yamadaKoseki, "山田　一", "山田　和子", "東京都みどり野市"
	r.fillFuhyo()
	r.MarriageRecord = "【婚姻日】平成20年6月1日 【配偶者氏名】山田　花子"
	r.SealRegNo, r.Tax = "M-000101", tax(5200000, 6800000)
	add(r)
	r = base("r102", "ok", MuniMidorino, "h101", "山田　花子", "やまだ　はなこ", "1982-09-15", "2", "妻")
	r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = "東京都みどり野市若葉町一丁目2番地", MuniMidorino, "山田　太郎", yamadaKoseki
	r.Father, r.Mother, r.BirthPlace = "佐々木　実", "佐々木　幸子", "千葉県"
	r.fillFuhyo()
	r.MarriageRecord = "【婚姻日】平成20年6月1日 【配偶者氏名】山田　太郎"
	r.Tax = tax(0, 0) // 非課税; no seal registration
	add(r)
	r = base("r103", center.CodeUnder15, MuniMidorino, "h101", "山田　一郎", "やまだ　いちろう", childBirth, "1", "子")
	r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = "東京都みどり野市若葉町一丁目2番地", MuniMidorino, "山田　太郎", yamadaKoseki
	r.NoSigCert, r.SigPIN = true, ""
	add(r)
	// A foreign household.
	r = base("r104", "ok", MuniMidorino, "h102", "NGUYEN VAN AN", "グエン　ヴァン　アン", "1990-02-03", "1", "世帯主")
	r.Head, r.Foreign, r.Nationality, r.ResidenceCard = true, true, "ベトナム", "AB12345678CD"
	r.ResidenceStatus, r.ResidencePeriod = "技術・人文知識・国際業務", "3年（"+seed.In(JST).AddDate(2, 0, 0).Format("2006-01-02")+"まで）"
	r.SealRegNo, r.Tax = "M-000104", tax(3100000, 4200000)
	add(r)
	r = base("r105", "ok", MuniMidorino, "h102", "TRAN THI BINH", "チャン　ティ　ビン", "1992-07-20", "2", "妻")
	r.Foreign, r.Nationality, r.ResidenceCard = true, "ベトナム", "EF98765432GH"
	r.ResidenceStatus, r.ResidencePeriod = "家族滞在", "3年（"+seed.In(JST).AddDate(2, 0, 0).Format("2006-01-02")+"まで）"
	add(r)
	// 本籍 outside: in あおば町 (registration needed), in かわせみ村 (not issued through the service).
	r = base("r106", center.CodeKosekiRegistrationRequired, MuniMidorino, "h103", "佐藤　次郎", "さとう　じろう", "1975-11-11", "1", "世帯主")
	r.Head, r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = true, "神奈川県あおば町中央四丁目5番地", MuniAoba, "佐藤　次郎", []string{"r106"}
	r.fillFuhyo()
	add(r)
	r = base("r107", center.CodeKosekiNotRegisteredHere, MuniMidorino, "h104", "鈴木　三郎", "すずき　さぶろう", "1968-03-03", "1", "世帯主")
	r.Head, r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = true, "長野県かわせみ村大字清水7番地", MuniKawasemi, "鈴木　三郎", []string{"r107"}
	add(r)
	// Renewal soon: the certificate expires within three months (notice only, not a refusal).
	r = base("r108", "renewal_soon", MuniMidorino, "h105", "伊藤　美咲", "いとう　みさき", "1995-05-05", "2", "世帯主")
	r.Head, r.CertPlan = true, "renewal_soon"
	add(r)
	// One resident for every refusal the center decides at login.
	refusals := []struct {
		id, code string
		set      func(*Resident)
	}{
		{"r110", center.CodeExpired, func(r *Resident) { r.CertPlan = "expired" }},
		{"r111", center.CodeRevoked, func(r *Resident) { r.AuthStatus, r.SigStatus = StatusRevoked, StatusRevoked }},
		{"r112", center.CodeSuspended, func(r *Resident) { r.AuthStatus, r.SigStatus = StatusSuspended, StatusSuspended }},
		{"r113", center.CodeMovedOut, func(r *Resident) { r.Status = ResidentMovedOut }},
		{"r114", center.CodeMoveOutFiled, func(r *Resident) { r.Status = ResidentMoveOutFiled }},
		{"r115", center.CodeProtectedPerson, func(r *Resident) { r.Protected = true }},
		{"r116", center.CodeDeceased, func(r *Resident) { r.Status = ResidentDeceased }},
		{"r117", center.CodeMoveInDay, func(r *Resident) { r.MovedIn, r.BecameResident, r.AddressDate = day, day, day }},
		{"r118", center.CodeLimitsExceeded, func(r *Resident) { r.LimitsExceeded = true }},
		{"r119", center.CodeFaceAuthCard, func(r *Resident) { r.FaceAuth = true }},
	}
	for i, c := range refusals {
		r = base(c.id, c.code, MuniMidorino, "h11"+string(rune('0'+i)), "試験　"+c.code, "しけん", "1970-01-01", "1", "世帯主")
		r.Head = true
		c.set(&r)
		add(r)
	}
	// あおば町: a Japanese household with 本籍 inside; a foreign resident; an Android token.
	aobaKoseki := []string{"r201", "r202"}
	r = base("r201", "ok", MuniAoba, "h201", "高橋　健", "たかはし　けん", "1985-12-24", "1", "世帯主")
	r.Head, r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = true, "神奈川県あおば町中央四丁目5番地", MuniAoba, "高橋　健", aobaKoseki
	r.fillFuhyo()
	r.SealRegNo, r.Tax = "A-000201", tax(4500000, 6000000)
	add(r)
	r = base("r202", "ok", MuniAoba, "h201", "高橋　恵", "たかはし　めぐみ", "1987-01-30", "2", "妻")
	r.Honseki, r.HonsekiMuni, r.Hittosha, r.KosekiMembers = "神奈川県あおば町中央四丁目5番地", MuniAoba, "高橋　健", aobaKoseki
	r.Token = "android"
	add(r)
	r = base("r203", "ok", MuniAoba, "h202", "SILVA MARIA", "シルバ　マリア", "1988-08-08", "2", "世帯主")
	r.Head, r.Foreign, r.Nationality, r.ResidenceCard = true, true, "ブラジル", "IJ11223344KL"
	r.ResidenceStatus, r.ResidencePeriod = "永住者", "無期限"
	r.Tax = tax(2800000, 3800000)
	add(r)
	r = base("r301", center.CodeNotParticipating, MuniKawasemi, "h301", "田中　実", "たなか　みのる", "1960-06-06", "1", "世帯主")
	r.Head = true
	add(r)
	for i := range rs {
		rs[i].UpdatedAt = seed
	}
	return rs
}

// fillFuhyo fills the 戸籍の附票 address history from the address data.
func (r *Resident) fillFuhyo() {
	r.FuhyoHistory = r.PreviousAddress + "（" + "2010-04-01" + "）\n" + r.Address + "（" + r.AddressDate + "）"
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
