// Package buzzer drives the kiosk's piezo buzzer: an active buzzer (it has its own oscillator)
// switched by one GPIO line, so a pattern is only on/off steps in time.
//
// Three patterns are named after what the kiosk uses them for: Beep (attention: take your card),
// Error (three short beeps), and Click (the short tick for every keypad digit). Patterns play on
// the driver's goroutine, in order; Play does not block the caller, and a full queue is an error
// rather than a growing backlog of stale beeps.
//
// This package must never import the session machine, the UI or the configuration.
package buzzer
