package server

import (
	"testing"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"

	bolt "go.etcd.io/bbolt"
)

func TestSeedWorld(t *testing.T) {
	seed := time.Date(2026, 11, 25, 10, 0, 0, 0, JST)
	w, err := loadWorld(seed)
	if err != nil {
		t.Fatal(err)
	}
	munis := map[string]Municipality{}
	for _, m := range w.Municipalities {
		munis[m.Code] = m
	}
	a, b := munis[MuniMidorino], munis[MuniAoba]
	if !a.MyNumberAllowed || b.MyNumberAllowed || a.Types[document.TypeJuminhyo].Fee == b.Types[document.TypeJuminhyo].Fee ||
		a.Types[document.TypeKosekiZenbu].Hours.WeekdaysOnly || !b.Types[document.TypeKosekiZenbu].Hours.WeekdaysOnly {
		t.Fatalf("the two municipalities do not differ as promised: %+v / %+v", a, b)
	}
	cases := map[string]bool{}
	ids := map[string]bool{}
	var foreign, honsekiOut, seal, tax bool
	for _, r := range w.Residents {
		if ids[r.ID] {
			t.Fatalf("resident id %s twice", r.ID)
		}
		ids[r.ID] = true
		cases[r.Case] = true
		if _, ok := munis[r.Municipality]; !ok {
			t.Fatalf("%s: unknown municipality %s", r.ID, r.Municipality)
		}
		if !validMyNumber(r.MyNumber) {
			t.Errorf("%s: my number %q has a bad check digit", r.ID, r.MyNumber)
		}
		foreign = foreign || r.Foreign
		honsekiOut = honsekiOut || (r.HonsekiMuni != "" && r.HonsekiMuni != r.Municipality)
		seal = seal || r.SealRegNo != ""
		tax = tax || r.Tax != nil
		if r.ID == "r103" && age(r.Birth, seed) >= 15 {
			t.Fatalf("under-15 resident is %d", age(r.Birth, seed))
		}
		if r.ID == "r117" && r.MovedIn != "2026-11-25" {
			t.Fatalf("move-in-day resident moved in %q", r.MovedIn)
		}
	}
	if !foreign || !honsekiOut || !seal || !tax {
		t.Fatal("demo world lacks foreign residents, outside 本籍, seals or tax records")
	}
	for _, code := range []string{center.CodeExpired, center.CodeRevoked, center.CodeSuspended, center.CodeUnder15,
		center.CodeFaceAuthCard, center.CodeMovedOut, center.CodeMoveOutFiled, center.CodeProtectedPerson, center.CodeDeceased,
		center.CodeMoveInDay, center.CodeLimitsExceeded, center.CodeNotParticipating, center.CodeKosekiRegistrationRequired,
		center.CodeKosekiNotRegisteredHere} {
		if !cases[code] {
			t.Errorf("no resident for refusal %s", code)
		}
	}
}

// validMyNumber checks the 個人番号 check digit.
func validMyNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		q := n + 1
		if n > 6 {
			q = n - 5
		}
		sum += int(s[11-n]-'0') * q
	}
	c := 11 - sum%11
	if c >= 10 {
		c = 0
	}
	return int(s[11]-'0') == c
}

func TestAgeAndCalendar(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, JST) }
	for _, tc := range []struct {
		birth string
		now   time.Time
		want  int
	}{
		{"2011-11-25", at(2026, 11, 25, 0, 0), 15},
		{"2011-11-26", at(2026, 11, 25, 23, 59), 14},
		{"2012-02-29", at(2027, 2, 28, 12, 0), 14},
		{"bad", at(2026, 1, 1, 0, 0), -1},
	} {
		if got := age(tc.birth, tc.now); got != tc.want {
			t.Errorf("age(%s, %v) = %d, want %d", tc.birth, tc.now, got, tc.want)
		}
	}
	// 23:30 JST is 14:30 UTC: the center decides in JST whatever zone its clock reports.
	if withinHours(center.Hours{Open: ServiceOpen, Close: ServiceClose}, time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)) {
		t.Fatal("23:30 JST counted as open")
	}
	if !closedDay(time.Date(2026, 12, 28, 15, 0, 0, 0, time.UTC)) { // 29 Dec 00:00 JST
		t.Fatal("29 Dec JST not closed")
	}
	if closedDay(at(2027, 1, 4, 0, 0)) {
		t.Fatal("4 Jan closed")
	}
}

func TestOldIdempotencyKeysArePrunedAtStart(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, JST)
	clock := func() time.Time { return now }
	s, err := New(Config{DataDir: dir, Now: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx, bktIdem, "old", storedAnswer{At: now.Add(-15 * 24 * time.Hour)}); err != nil {
			return err
		}
		return putJSON(tx, bktIdem, "new", storedAnswer{At: now.Add(-time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = New(Config{DataDir: dir, Now: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bktIdem)
		if b.Get([]byte("old")) != nil || b.Get([]byte("new")) == nil {
			t.Error("want the old key dropped and the new one kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
