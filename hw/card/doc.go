// Package card is the kiosk's card reader: PC/SC through pcscd, with github.com/ebfe/scard.
//
// It lists readers, follows readers and cards coming and going (Monitor), connects to a card and
// transmits APDUs (Conn, a kiosk/jpki Transport). It knows readers and cards, not residents: what
// the APDUs mean is kiosk/jpki's business.
//
// PC/SC rules it keeps (research/stack.md §7): one SCARDCONTEXT per goroutine — Monitor owns one,
// each Conn owns its own; finite GetStatusChange timeouts, so stopping never depends on
// SCardCancel; a context is released and established again when pcscd restarts. T=0 cards are
// handled here: 61xx answers are collected with GET RESPONSE and 6Cxx commands are sent again
// with the length the card asked for, so callers always see one complete answer.
//
// Errors a person can act on are sentinels: ErrNoService (pcscd is not running), ErrNoReader,
// ErrNoCard, and kiosk/jpki's ErrCardRemoved when the card leaves mid-command — the answer of a
// command that lost its card is never returned, so no half-read certificate can leak upwards.
//
// Simulated cards live in hw/card/jpkisim; hw/card/pcsctest starts pcscd with vpcd for tests.
package card
