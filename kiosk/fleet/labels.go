package fleet

import (
	"regexp"
	"slices"
	"strings"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
)

// other is the label value of anything outside a closed list.
const other = "other"

// codeRE is what any label value must look like, even one from a closed list: short lower-case
// codes. Check names use hyphens ("device-cert"), message keys dots ("refusal.expired").
var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,47}$`)

// closed is a closed list of label values.
type closed map[string]bool

func newClosed(vals ...string) closed {
	c := closed{}
	for _, v := range vals {
		if codeRE.MatchString(v) {
			c[v] = true
		}
	}
	return c
}

// label is v when it is in the list and well formed, "other" otherwise.
func (c closed) label(v string) string {
	if c[v] && codeRE.MatchString(v) {
		return v
	}
	return other
}

// code is v when it merely looks like a code (for names from our own source code, such as
// self-test checks and journal codes, which are bounded by the program itself).
func code(v string) string {
	if codeRE.MatchString(v) {
		return v
	}
	return other
}

var (
	refusalCodes = newClosed(kiosk.RefusalCodes...)
	certTypes    = newClosed(document.Types...)
	outcomeKeys  = func() closed {
		var ks []string
		for _, k := range kiosk.MessageKeys() {
			if strings.HasPrefix(k, "outcome.") || strings.HasPrefix(k, "refusal.") {
				ks = append(ks, k)
			}
		}
		return newClosed(ks...)
	}()
	// printFaultCodes are the machine's technician codes for a print fault (kiosk/adapters).
	printFaultCodes = newClosed("paper_out", "jam", "cover_open", "offline", other)
	recordKinds     = newClosed(string(kiosk.RecordCompletion), string(kiosk.RecordVoid),
		string(kiosk.RecordRefund), string(kiosk.RecordRefundOwed), string(kiosk.RecordBindingMismatch),
		string(kiosk.RecordPINReset))
	// driverFaults are the printer drivers' fault codes, each reported as its own 0/1 series.
	driverFaults = []printer.Fault{printer.FaultMediaEmpty, printer.FaultMediaLow, printer.FaultMediaJam,
		printer.FaultDoorOpen, printer.FaultOffline, printer.FaultCutter, printer.FaultOther}
)

// serviceReasons names each out-of-service flag.
var serviceReasons = []struct {
	Flag kiosk.ServiceFlag
	Name string
}{
	{kiosk.FlagOutboxFull, "outbox_full"},
	{kiosk.FlagPaperOut, "paper_out"},
	{kiosk.FlagPrinterFault, "printer_fault"},
	{kiosk.FlagSelfTestFailed, "selftest_failed"},
	{kiosk.FlagCashboxFault, "cashbox_fault"},
	{kiosk.FlagTechnician, "technician"},
	{kiosk.FlagTrayNotEmpty, "tray_not_empty"},
	{kiosk.FlagStorageFault, "storage_fault"},
}

// flagNames lists the reasons raised in f, in a fixed order; an unknown bit is "other".
func flagNames(f kiosk.ServiceFlag) []string {
	var out []string
	var known kiosk.ServiceFlag
	for _, r := range serviceReasons {
		known |= r.Flag
		if f&r.Flag != 0 {
			out = append(out, r.Name)
		}
	}
	if f&^known != 0 {
		out = append(out, other)
	}
	return out
}

func driverFault(f printer.Fault) string {
	if slices.Contains(driverFaults, f) {
		return string(f)
	}
	return other
}
