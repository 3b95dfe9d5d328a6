package kiosk

// MaintAction is what a technician asks of the maintenance screen.
type MaintAction string

// Actions the Maintainer performs, and the two the machine does itself.
const (
	MaintStatus     MaintAction = "status"      // center link, outbox, printers, reader, sensors
	MaintJournal    MaintAction = "journal"     // the newest audit journal entries
	MaintSendNow    MaintAction = "send_now"    // deliver the outbox now, not after its backoff
	MaintTestPage   MaintAction = "test_page"   // print a test page on the document printer
	MaintReaderTest MaintAction = "reader_test" // PC/SC up, reader present, card answers
	MaintConfig     MaintAction = "config"      // the configuration, secrets masked

	MaintServiceOff MaintAction = "service_off" // take the kiosk out of service
	MaintServiceOn  MaintAction = "service_on"  // back in service
	MaintExit       MaintAction = "exit"        // leave maintenance
)

// MaintActions are the Maintainer's actions in screen order.
var MaintActions = []MaintAction{MaintStatus, MaintJournal, MaintSendNow, MaintTestPage, MaintReaderTest, MaintConfig}

// maintOffer is what the maintenance screen offers: the Maintainer's actions, then back in
// service while a reason the technician clears is raised (out of service otherwise), then exit.
func (s State) maintOffer() []MaintAction {
	service := MaintServiceOff
	if s.Flags&RepairableFlags != 0 {
		service = MaintServiceOn
	}
	return append(append([]MaintAction(nil), MaintActions...), service, MaintExit)
}

func (a MaintAction) valid() bool {
	for _, b := range MaintActions {
		if a == b {
			return true
		}
	}
	return false
}

// MaintReport is what an action found, as lines a technician reads: a label (one of MaintLabels,
// shown in the screen's language) and a value that is data (figures, codes, device names, a
// masked configuration line, an error text from a device). Never personal data: outside a
// transaction the kiosk holds none.
type MaintReport struct {
	Lines []MaintLine `json:"lines"`
	Err   string      `json:"error,omitempty"` // the action as a whole failed: why
}

// MaintLine is one line of a report: the label, a word the screen translates (one of
// MaintValues, or none) and the data.
type MaintLine struct {
	Label string `json:"label"`
	Code  string `json:"code,omitempty"`
	Value string `json:"value,omitempty"`
	Bad   bool   `json:"bad,omitempty"` // needs the technician's attention
}

// Words of report lines. Each has a message key "maint.value.<code>".
const (
	ValueNotFitted = "not_fitted" // the part is not on this kiosk
	ValueActive    = "active"
	ValueInactive  = "inactive"
	ValuePrinted   = "printed"
	ValueFailed    = "failed"
	ValueOK        = "ok"
)

// MaintValues lists every word a report line may carry.
var MaintValues = []string{ValueNotFitted, ValueActive, ValueInactive, ValuePrinted, ValueFailed, ValueOK}

// Labels of report lines. Each has a message key "maint.<label>".
const (
	LabelCenter          = "center"
	LabelDeviceCert      = "device_cert"
	LabelOutboxPending   = "outbox_pending"
	LabelOutboxOldest    = "outbox_oldest"
	LabelOutboxDead      = "outbox_dead"
	LabelOutboxHeadroom  = "outbox_headroom"
	LabelOutboxLastError = "outbox_last_error"
	LabelOutboxSent      = "outbox_sent"
	LabelDocumentPrinter = "document_printer"
	LabelReceiptPrinter  = "receipt_printer"
	LabelReader          = "reader"
	LabelSensor          = "sensor"
	LabelJournal         = "journal"
	LabelJournalChain    = "journal_chain"
	LabelConfig          = "config"
	LabelTestPage        = "test_page"
	LabelBuild           = "build"
)

// MaintLabels lists every label a report line may carry.
var MaintLabels = []string{
	LabelCenter, LabelDeviceCert, LabelOutboxPending, LabelOutboxOldest, LabelOutboxDead,
	LabelOutboxHeadroom, LabelOutboxLastError, LabelOutboxSent, LabelDocumentPrinter,
	LabelReceiptPrinter, LabelReader, LabelSensor, LabelJournal, LabelJournalChain, LabelConfig,
	LabelTestPage, LabelBuild,
}
