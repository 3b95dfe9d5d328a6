// Package documenttest makes signed sample documents of every certificate type for tests, golden
// images, benchmarks and the printer end-to-end checks. The data is fictional; keys are generated
// per call and never stored.
//
// It imports only kiosk/document and the standard library.
package documenttest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"

	"certkiosk/kiosk/document"
)

// KeyID is the municipality key id the samples are sealed with.
const KeyID = "999999-demo-1"

// Key is a freshly generated municipality signing key and the Keys set that trusts it.
type Key struct {
	ID   string
	Priv ed25519.PrivateKey
	Keys document.Keys
}

// NewKey generates a municipality key.
func NewKey() (Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("generate key: %w", err)
	}
	return Key{ID: KeyID, Priv: priv, Keys: document.Keys{KeyID: pub}}, nil
}

// Issued is when the samples are issued: fixed so golden images stay stable.
var Issued = time.Date(2026, 11, 20, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))

func f(code, v string) document.Field { return document.Field{Code: code, Value: v} }

// Content returns a sample of type typ. household selects the household (several persons) form
// of 住民票の写し; it is ignored for other types.
func Content(typ string, household bool) document.Content {
	c := document.Content{
		IssuanceID:       "DEMO-" + typ + "-0001",
		Type:             typ,
		MunicipalityCode: "999999",
		MunicipalityName: "デモ市",
		Mayor:            "見本　花子",
		AsOf:             Issued.Add(-5 * time.Minute),
		IssuedAt:         Issued,
		CopyIndex:        1,
		Copies:           1,
		Binding: document.Binding{
			SessionID:          "sess-demo",
			Nonce:              bytes.Repeat([]byte{7}, 32),
			UserAuthCertSHA256: bytes.Repeat([]byte{9}, 32),
		},
	}
	addr := f(document.FieldAddress, "デモ県デモ市中央一丁目2番3号　デモハイツ101号")
	switch typ {
	case document.TypeJuminhyo, document.TypeJuminhyoKisai:
		c.Options = []string{document.OptHouseholdHead}
		c.Header = []document.Field{addr, f(document.FieldHouseholdHead, "山田　太郎")}
		c.Persons = []document.Person{{Fields: []document.Field{
			f(document.FieldName, "山田　太郎"), f(document.FieldNameKana, "やまだ　たろう"),
			f(document.FieldBirthDate, "昭和60年4月1日"), f(document.FieldSex, "男"),
			f(document.FieldRelationship, "世帯主"),
			f(document.FieldBecameResident, "昭和60年4月1日"), f(document.FieldAddressDate, "平成30年10月1日"),
			f(document.FieldPreviousAddress, "デモ県サンプル町北二丁目5番8号"),
		}}}
		if household && typ == document.TypeJuminhyo {
			c.Options = append(c.Options, document.OptWholeHousehold)
			for _, p := range [][3]string{{"山田　花子", "やまだ　はなこ", "妻"}, {"山田　一郎", "やまだ　いちろう", "子"}, {"山田　桜", "やまだ　さくら", "子"}} {
				c.Persons = append(c.Persons, document.Person{Fields: []document.Field{
					f(document.FieldName, p[0]), f(document.FieldNameKana, p[1]),
					f(document.FieldBirthDate, "平成2年7月15日"), f(document.FieldSex, map[bool]string{true: "女", false: "男"}[p[2] != "子" || p[0] == "山田　桜"]),
					f(document.FieldRelationship, p[2]),
					f(document.FieldBecameResident, "平成30年10月1日"), f(document.FieldAddressDate, "平成30年10月1日"),
				}})
			}
		}
	case document.TypeInkan:
		c.Persons = []document.Person{{Fields: []document.Field{
			addr, f(document.FieldName, "山田　太郎"), f(document.FieldBirthDate, "昭和60年4月1日"),
			f(document.FieldSealRegNo, "第12345号"), f(document.FieldSealImage, SealImage()),
		}}}
	case document.TypeShotoku, document.TypeKazei, document.TypeShotokuKazei:
		c.Header = []document.Field{f(document.FieldTaxYear, "令和8年度（令和7年中の所得）")}
		fs := []document.Field{addr, f(document.FieldName, "山田　太郎"), f(document.FieldBirthDate, "昭和60年4月1日")}
		if typ != document.TypeKazei {
			fs = append(fs, f(document.FieldIncomeSalary, "5,200,000円"), f(document.FieldIncomeTotal, "3,660,000円"),
				f(document.FieldDeductions, "1,380,000円"))
		}
		if typ != document.TypeShotoku {
			fs = append(fs, f(document.FieldTaxableIncome, "2,280,000円"), f(document.FieldMunicipalTax, "137,800円"),
				f(document.FieldPrefecturalTax, "91,800円"))
		}
		fs = append(fs, f(document.FieldDependents, "2人"))
		c.Persons = []document.Person{{Fields: fs}}
	case document.TypeKosekiZenbu, document.TypeKosekiKojin:
		c.Header = []document.Field{f(document.FieldHonseki, "デモ県デモ市中央一丁目2番地"), f(document.FieldHittosha, "山田　太郎")}
		c.Persons = []document.Person{{Fields: []document.Field{
			f(document.FieldName, "山田　太郎"), f(document.FieldBirthDate, "昭和60年4月1日"),
			f(document.FieldFather, "山田　次郎"), f(document.FieldMother, "山田　良子"), f(document.FieldRelationship, "長男"),
			f(document.FieldBirthRecord, "【出生日】昭和60年4月1日\n【出生地】デモ県デモ市\n【届出日】昭和60年4月10日\n【届出人】父"),
			f(document.FieldMarriageRecord, "【婚姻日】平成27年6月6日\n【配偶者氏名】山田花子\n【従前戸籍】デモ県デモ市中央一丁目2番地　山田次郎"),
		}}}
		if typ == document.TypeKosekiZenbu {
			c.Persons = append(c.Persons, document.Person{Fields: []document.Field{
				f(document.FieldName, "山田　花子"), f(document.FieldBirthDate, "平成2年7月15日"),
				f(document.FieldFather, "佐藤　健"), f(document.FieldMother, "佐藤　恵"), f(document.FieldRelationship, "長女"),
				f(document.FieldBirthRecord, "【出生日】平成2年7月15日\n【出生地】サンプル県サンプル市"),
				f(document.FieldMarriageRecord, "【婚姻日】平成27年6月6日\n【配偶者氏名】山田太郎\n【従前戸籍】サンプル県サンプル市南町5番地　佐藤健"),
			}})
		}
	case document.TypeKosekiFuhyo:
		c.Header = []document.Field{f(document.FieldHonseki, "デモ県デモ市中央一丁目2番地"), f(document.FieldHittosha, "山田　太郎")}
		c.Persons = []document.Person{{Fields: []document.Field{
			f(document.FieldName, "山田　太郎"), f(document.FieldBirthDate, "昭和60年4月1日"),
			f(document.FieldFuhyoHistory, "デモ県サンプル町北二丁目5番8号　（住定日）平成22年4月1日\nデモ県デモ市中央一丁目2番3号　デモハイツ101号　（住定日）平成30年10月1日"),
		}}}
	}
	return c
}

// Seal seals c with k.
func Seal(c document.Content, k Key) (document.Envelope, document.Content, error) {
	e, err := document.Seal(c, k.ID, k.Priv)
	if err != nil {
		return document.Envelope{}, document.Content{}, err
	}
	opened, err := e.Open(k.Keys)
	if err != nil {
		return document.Envelope{}, document.Content{}, err
	}
	return e, opened, nil
}

// SealImage returns a registered seal impression (a round 丸印 ring with a cross) as base64 PNG.
func SealImage() string {
	const n = 120
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			d := math.Hypot(float64(x-n/2), float64(y-n/2))
			ink := (d > 50 && d < 57) || (d < 50 && (abs(x-n/2) < 4 || abs(y-n/2) < 4))
			if ink {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory Gray image cannot fail
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
