package adapters

import (
	"errors"
	"path/filepath"
	"testing"

	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

func TestOutboxAdapter(t *testing.T) {
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), &outbox.Options{Capacity: 6})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	o := &Outbox{Box: box}
	txn := "kiosk01-boot7-3"
	for i, r := range []kiosk.Record{
		{Kind: kiosk.RecordCompletion, Txn: txn, IssuanceID: "iss-00af31", Type: "juminhyo", Copies: 2, Printed: 2, Amount: 600},
		{Kind: kiosk.RecordVoid, Txn: txn, IssuanceID: "iss-00af31", Printed: 1, Reason: "print_fault", Amount: 600},
		{Kind: kiosk.RecordRefund, Txn: txn, IssuanceID: "iss-00af31", Amount: 300, Reason: "print_fault"},
		{Kind: kiosk.RecordRefundOwed, Txn: txn, IssuanceID: "iss-00af31", Amount: 300, Reason: "payout_failed"},
		{Kind: kiosk.RecordPINReset, Txn: txn, ResetID: "res-0042", OK: false, SW: "6982"},
		{Kind: kiosk.RecordBindingMismatch, Txn: txn, IssuanceID: "iss-00af31", Reason: "binding_mismatch"},
	} {
		r.Key = txn + ":" + string(r.Kind) + ":" + string(rune('0'+i))
		if err := o.Append(r); err != nil {
			t.Fatalf("%s: %v", r.Kind, err)
		}
	}
	var kinds []string
	err = box.Pending(func(_ uint64, r outbox.Record) error {
		kinds = append(kinds, string(r.Kind))
		if r.Kind == outbox.KindPINReset && (r.Payload.Code != "failed" || r.Payload.SW != "6982") {
			t.Errorf("pin reset payload %+v", r.Payload)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 6 {
		t.Fatalf("stored %v", kinds)
	}
	err = o.Append(kiosk.Record{Kind: kiosk.RecordVoid, Txn: txn, Key: txn + ":void:9"})
	if !errors.Is(err, kiosk.ErrOutboxFull) {
		t.Fatalf("full outbox: %v", err)
	}
	// A key with a character the center refuses is refused here, loudly.
	if err := o.Append(kiosk.Record{Kind: kiosk.RecordVoid, Txn: txn, Key: "a/b/1"}); err == nil {
		t.Fatal("bad key accepted")
	}
}

func TestJournalAdapter(t *testing.T) {
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	j := &Journal{J: box.Journal()}
	for _, e := range []kiosk.JournalEntry{
		{Code: "session_start", Txn: "k1-b1-1", Screen: kiosk.PlaceCard},
		{Code: "printed", Txn: "k1-b1-1", Detail: "iss-77aa01 1/2"},
		{Code: "refused", Txn: "k1-b1-1", Detail: "under_15"},
		{Code: "Not A Code", Detail: "free text 東京"},
	} {
		if err := j.Append(e); err != nil {
			t.Fatalf("%s: %v", e.Code, err)
		}
	}
	var got []outbox.Entry
	if err := box.Journal().Entries(func(e outbox.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[1].Fields.IssuanceID != "iss-77aa01" || got[2].Fields.Code != "under_15" ||
		got[3].Kind != outbox.EntryError {
		t.Fatalf("entries %+v", got)
	}
	if _, err := box.Journal().Verify(); err != nil {
		t.Fatal(err)
	}
}
