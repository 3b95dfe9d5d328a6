// Package kiosk is the session machine: every flow a resident walks at the kiosk (certificate
// issuance, 戸籍 use registration, signature- and user-PIN reset), with timeouts, payment and
// refunds, as one pure transition function
//
//	Step(State, Event) (State, []Effect)
//
// run by one goroutine (Runner). The UI only renders the View a Render effect carries and turns
// touches into events. Card, center, printer, cashbox, outbox, journal, clock and screen are small
// interfaces (ports.go) that the Runner calls for effects; their answers come back as events that
// carry the request they answer, so an answer for a transaction that is no longer current is
// dropped (domain.md §7: the 2023 wrong issuances printed the next applicant's document after a
// partial release).
//
// What holds by construction:
//   - A page is printed only from a VerifiedDocument, which only this package can make, and only
//     after the envelope's signatures verified and its binding named the current session, challenge
//     nonce and login certificate. Step checks the binding again right before each Print effect.
//   - Every timeout aborts the whole transaction: outstanding requests are cancelled and their late
//     answers dropped, the issuance is voided, held money is refunded, the PIN is zeroed and the
//     personal data is dropped; then the machine returns to Idle.
//   - Every yen taken is either spent on a printed copy, given back as change or refund, or recorded
//     as owed (outbox record and slip). Ledger.Balanced holds whenever the machine is Idle.
//   - The PIN lives in a PINBuffer that Step hands over in the effect that needs it; the Runner
//     zeroes it as soon as the card call returns. State holds no personal data once Idle.
//
// Flows are written top to bottom: login.go (language, terms, card, PIN, login), issue.go
// (certificate, options, members, copies, fee, payment, print), reset.go (PIN reset), and
// machine.go (what any state does with timeouts, card removal, cancel, money and maintenance).
// Message keys the machine can put on screen are listed in messages.go (MessageKeys).
//
// This package imports no fyne, scard, periph, bbolt or net/http: it has no I/O of its own.
// Time comes in events (TimerFired, and an At stamp on card reads), never from time.Now in Step.
package kiosk
