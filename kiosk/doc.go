// Package kiosk is the session machine: every flow a resident walks at the kiosk (certificate
// issuance, 戸籍 use registration, signature- and user-PIN reset), with timeouts, payment and
// refunds, as one pure transition function
//
//	Step(State, Event) (State, []Effect)
//
// run by one goroutine (Runner). The UI only renders the View a Render effect carries and turns
// touches into events. Card, center, printer, cashbox, outbox, journal, clock and screen are small
// interfaces (ports.go) that the Runner calls for effects; their answers come back as events that
// carry the request they answer (Req: transaction and sequence number), and an answer that is not
// the one the machine awaits is dropped and journaled (domain.md §7: the 2023 wrong issuances
// printed the next applicant's document after a partial release).
//
// # What holds by construction
//
//   - A page is printed only from a VerifiedDocument, which only this package can make, and only
//     after the envelope's signatures verified (Verifier) and its binding named the current
//     session, challenge nonce and login certificate (compared here, not by the port). Step checks
//     the binding again right before each Print effect. A mismatch is never dismissed: no print,
//     the issuance voided, money refunded, an Alarm in the journal, a binding_mismatch record to
//     the center.
//   - Every timeout aborts the whole transaction: outstanding requests are cancelled and their late
//     answers dropped, the issuance voided, held money refunded, PINs zeroed, personal data
//     dropped; then an outcome screen and Idle. Screens that wait for the resident warn first
//     (TimeoutWarning); any sign of the resident resumes the screen.
//   - Every yen taken is spent on a printed copy, given back as change or refund, or owed (an
//     outbox record and a slip when the cashbox cannot pay). Ledger.Balanced holds whenever the
//     machine is Idle; PaidOut answers are always taken, whatever the transaction.
//   - A PIN lives in a PINBuffer that Step hands over in the effect that needs it; the Runner
//     zeroes it as soon as the card call returns. State holds nothing personal once Idle.
//
// # Flows
//
// Written top to bottom, one file each: login.go (language, terms, service, card, PIN with the
// last-try confirmation, login, take your card back), issue.go (menu, certificate, options,
// members, copies, fee, issuance and verification, payment, printing, receipt, 戸籍 use
// registration), reset.go (PIN reset and its mirror), maintenance.go (the technician: key or
// staff sign-in, never during a resident's transaction; status, journal, send-now, test page,
// reader test, configuration, out of service), machine.go (what every state does with timers,
// card removal, cancel, money, the output tray and out-of-service reasons). Message keys the
// machine can show or speak are listed by MessageKeys (messages.go).
//
// Decisions where domain.md leaves room:
//   - The service (certificates, signature-PIN reset, user-PIN reset) is chosen before the card is
//     placed, as on the real kiosks' menu.
//   - The center issues and the kiosk verifies every envelope before payment, so no money is taken
//     for a document that would not print; copies printed before a printer fault are charged, the
//     rest refunded, and the void record says how many were printed.
//   - The PIN-reset reservation is the one the center returns with the reset login (kiosk/center
//     puts it in the session); it is checked right after login, before any new PIN is typed.
//   - iPhone: Face ID on the phone stands for the PIN; no PIN is typed and the login goes ahead.
//     Phone tokens cannot have their PINs reset at the kiosk (outcome.phone_token_reset).
//   - Cancel is refused while a copy prints or a card is being written; on the menu and after
//     printing it ends the session normally.
//   - Money put in outside payment goes straight back.
//   - A payout has no timer of the machine's own: the cashbox driver returns, within its own
//     bounded time, what it actually paid; the rest becomes owed.
//
// This package imports no fyne, scard, periph, bbolt or net/http: it has no I/O of its own.
// Time comes in events (TimerFired, and an At stamp on card reads and logins), never from
// time.Now in Step. Package kiosk/sim has simulated ports for tests and the demo.
package kiosk
