package sim_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/sim"
)

func TestDemoScriptPrintsPages(t *testing.T) {
	dir := t.TempDir()
	res, err := sim.Demo(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Printed != 2 || len(files) != 2 {
		t.Fatalf("printed %d, files %v", res.Printed, files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var c document.Content
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("page file: %v", err)
	}
	if c.Type != document.TypeJuminhyo || c.Copies != 2 || c.Persons[0].Fields[0].Value != sim.DemoName {
		t.Errorf("page content %+v", c)
	}
	if !res.Ledger.Balanced() || res.Ledger.In != 500 || res.Ledger.Spent != 400 || res.Ledger.Change != 100 {
		t.Errorf("money %+v", res.Ledger)
	}
	if len(res.Slips) != 1 || res.Slips[0].Kind != kiosk.SlipReceipt {
		t.Errorf("slips %+v", res.Slips)
	}
}

func TestDemoScriptFailsOnWrongExpectation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := sim.Demo(ctx, t.TempDir(), "tap start\nexpect menu\n")
	if err == nil {
		t.Fatal("an expectation that cannot hold did not fail the script")
	}
}
