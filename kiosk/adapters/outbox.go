package adapters

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

// Outbox is the machine's Outbox port over kiosk/outbox: records become typed, non-personal
// outbox payloads; a full outbox is kiosk.ErrOutboxFull.
type Outbox struct {
	Box          *outbox.Outbox
	Municipality func() string // the current session's municipality code, when known
	Now          func() time.Time
	Guard        *OutboxGuard // kicked after each append; nil: none
}

// Append implements kiosk.Outbox.
func (o *Outbox) Append(r kiosk.Record) error {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	p := outbox.Payload{
		TransactionID: outbox.ID(r.Txn),
		IssuanceID:    outbox.ID(r.IssuanceID),
		CertType:      outbox.Code(r.Type),
		Copies:        r.Copies,
		Printed:       r.Printed,
		AmountYen:     int64(r.Amount),
		ReservationID: outbox.ID(r.ResetID),
		SW:            r.SW,
	}
	if r.Reason != "" {
		p.Code = outbox.Code(r.Reason)
	}
	if r.Kind == kiosk.RecordPINReset {
		p.Code = "ok"
		if !r.OK {
			p.Code = "failed"
		}
	}
	if r.Kind == kiosk.RecordPINReset || r.Kind == kiosk.RecordBindingMismatch {
		p.CertType, p.Copies = "", 0
	}
	err := o.Box.Append(outbox.Record{Kind: outbox.Kind(r.Kind), Key: outbox.ID(r.Key), Created: now(), Payload: p})
	if o.Guard != nil {
		o.Guard.Kick()
	}
	if errors.Is(err, outbox.ErrFull) {
		return fmt.Errorf("%w: %v", kiosk.ErrOutboxFull, err)
	}
	return err
}

// Journal is the machine's JournalWriter over the outbox file's hash-chained journal. The
// journal stores no free text: an entry's detail is kept only as far as it is an id, a code or
// a count; the whole detail (which the machine never fills with personal data) goes to the log.
type Journal struct {
	J   *outbox.Journal
	Log *slog.Logger
}

// Append implements kiosk.JournalWriter.
func (j *Journal) Append(e kiosk.JournalEntry) error {
	kind := outbox.EntryKind(e.Code)
	if !outbox.IsCode(e.Code) || kind == outbox.EntryCheckpoint {
		kind = outbox.EntryError
	}
	p := outbox.Payload{Component: outbox.Code("screen_" + strings.ToLower(e.Screen.String()))}
	if outbox.IsID(e.Txn) {
		p.TransactionID = outbox.ID(e.Txn)
	}
	for _, tok := range strings.FieldsFunc(e.Detail, func(r rune) bool { return r == ' ' || r == ':' || r == '/' }) {
		switch {
		case p.Count == 0 && isCount(tok):
			p.Count, _ = strconv.Atoi(tok)
		case outbox.IsCode(tok):
			if p.Code == "" {
				p.Code = outbox.Code(tok)
			}
		case p.IssuanceID == "" && outbox.IsID(tok) && tok != e.Txn:
			p.IssuanceID = outbox.ID(tok)
		}
	}
	if !outbox.IsCode(string(p.Component)) {
		p.Component = ""
	}
	if j.Log != nil {
		j.Log.Info("journal", "severity", int(e.Severity), "code", e.Code, "txn", e.Txn, "screen", e.Screen.String(), "detail", e.Detail)
	}
	_, err := j.J.Append(kind, p)
	return err
}

func isCount(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && len(s) < 10
}
