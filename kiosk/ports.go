package kiosk

import (
	"context"
	"errors"
	"time"
)

// The ports: what the Runner calls to perform effects. Each is small and defined here, at the
// point of use; adapters to kiosk/jpki, kiosk/center, hw/printer, hw/panel and kiosk/outbox map
// their errors to the sentinels and types below so the machine can tell the cases apart.

// Card is the JPKI token on the reader (kiosk/jpki over hw/card).
type Card interface {
	// Read selects the JPKI application and reads the token label, which certificates exist, the
	// user-auth certificate when readable without a PIN, and the tries left on pin (VERIFY with no
	// data: spends no try).
	Read(ctx context.Context, pin PINKind) (CardInfo, error)
	// Verify sends the PIN. A wrong PIN is a result, not an error. The card must not keep pin.
	Verify(ctx context.Context, pin PINKind, value []byte) (VerifyResult, error)
	// ReadCert reads the certificate of kind after its PIN was verified.
	ReadCert(ctx context.Context, cert PINKind) (CertInfo, error)
	// Sign signs the center's login challenge with the key of key. The adapter builds the bytes
	// the center checks (kiosk/center LoginMessage(nonce, kiosk id), SHA-256, DigestInfo).
	Sign(ctx context.Context, key PINKind, ch Challenge) ([]byte, error)
	// ResetChallenge gets a fresh challenge for a PIN reset command (kiosk/jpki/pinreset).
	ResetChallenge(ctx context.Context) ([]byte, error)
	// ApplyReset relays the center's command with the new PIN. ok false with the status word
	// when the card refused it.
	ApplyReset(ctx context.Context, pin PINKind, cmd ResetCommand, newPIN []byte) (ok bool, sw string, err error)
}

// Card errors.
var (
	ErrCardRemoved = errors.New("kiosk: card removed during a command")
	ErrNotMyNumber = errors.New("kiosk: no JPKI application on the card")
)

// Center is the certificate issuing center (kiosk/center's client).
type Center interface {
	Challenge(ctx context.Context, purpose string) (Challenge, error)
	Login(ctx context.Context, challengeID string, cert, signature []byte) (Session, error)
	Logout(ctx context.Context, sessionID string) error
	Issue(ctx context.Context, req IssueRequest) (Issuance, error)
	RegisterKoseki(ctx context.Context, sessionID string) ([]Offer, error)
	AuthorizeReset(ctx context.Context, sessionID, reservationID string, pin PINKind, cardChallenge []byte) (ResetCommand, error)
}

// RefusalError is the center saying no, with a refusal code (messages.go RefusalCodes).
type RefusalError struct{ Code string }

func (e *RefusalError) Error() string { return "center refused: " + e.Code }

// Center errors other than refusals.
var (
	ErrCenterDown    = errors.New("kiosk: center unavailable")
	ErrCenterTimeout = errors.New("kiosk: center did not answer in time")
	ErrCenterGarbage = errors.New("kiosk: center answer malformed")
)

// Printer is the document printer. Print returns when the copy is out (or failed).
type Printer interface {
	Print(ctx context.Context, doc VerifiedDocument) error
	Cancel() // stop the current job of an aborted transaction
}

// PrintFaultError is a printer fault with a technician code (paper_out, jam, cover_open, offline).
type PrintFaultError struct{ Fault string }

func (e *PrintFaultError) Error() string { return "printer fault: " + e.Fault }

// SlipPrinter is the receipt printer.
type SlipPrinter interface {
	PrintSlip(ctx context.Context, s Slip) error
}

// Cashbox takes coins and bills and pays money out. It reports money taken as MoneyIn events
// (Runner.Send). PayOut returns, within its own bounded time, how much it actually paid.
type Cashbox interface {
	Accept(due int) error
	Stop() error
	PayOut(ctx context.Context, amount int) (paid int, err error)
}

// Outbox stores records durably for delivery to the center (kiosk/outbox).
type Outbox interface {
	Append(r Record) error
}

// ErrOutboxFull is what an Outbox returns when it takes no more records; the kiosk goes out of
// service (an outbox should keep enough reserve for the transaction under way).
var ErrOutboxFull = errors.New("kiosk: outbox full")

// JournalWriter appends to the audit journal.
type JournalWriter interface {
	Append(e JournalEntry) error
}

// Clock gives the time and timers; a fake one drives tests.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Stopper
}

// Stopper stops a timer.
type Stopper interface{ Stop() bool }

// Display renders views; it must not block (fyne screens hand over with fyne.Do).
type Display interface{ Render(v View) }

// Speaker plays cues and spoken guidance by message key; it must not block.
type Speaker interface{ Cue(key string) }

// Maintainer performs the technician's actions on the real parts (kiosk/adapters). An action
// that cannot be done is a report with Err set, not an error: the technician reads why.
type Maintainer interface {
	Maintain(ctx context.Context, a MaintAction) MaintReport
}

// Credentials checks a technician credential (the configured hash). The caller limits attempts.
type Credentials interface {
	CheckCredential(credential []byte) (bool, error)
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc implements Clock.
func (SystemClock) AfterFunc(d time.Duration, f func()) Stopper { return time.AfterFunc(d, f) }

func cardFailed(r Req, err error) Event {
	switch {
	case errors.Is(err, ErrCardRemoved):
		return Failed{Req: r, Cause: CauseCardRemoved}
	case errors.Is(err, ErrNotMyNumber):
		return Failed{Req: r, Cause: CauseNotMyNumber}
	}
	return Failed{Req: r, Cause: CauseCardError}
}

func centerFailed(r Req, err error) Event {
	var ref *RefusalError
	switch {
	case errors.As(err, &ref):
		return Refused{Req: r, Code: ref.Code}
	case errors.Is(err, ErrCenterGarbage):
		return Failed{Req: r, Cause: CauseCenterGarbage}
	case errors.Is(err, ErrCenterTimeout), errors.Is(err, context.DeadlineExceeded):
		return Failed{Req: r, Cause: CauseCenterTimeout}
	}
	return Failed{Req: r, Cause: CauseCenterDown}
}

func printFailed(r Req, err error) Event {
	var pf *PrintFaultError
	if errors.As(err, &pf) {
		return PrintFault{Req: r, Fault: pf.Fault}
	}
	return PrintFault{Req: r, Fault: "offline"}
}
