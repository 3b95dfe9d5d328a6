// Package adapters connects the session machine's ports (package kiosk) to the real parts: the
// card protocol (kiosk/jpki over any transport, hw/card's PC/SC in production), the center
// client (kiosk/center), the outbox and journal (kiosk/outbox), and the document printers
// (kiosk/document's layout over hw/printer). Each adapter maps its part's errors onto the
// sentinels and types the machine tells apart, and nothing else: decisions stay in kiosk.
//
// It imports no fyne and no hardware library of its own: transports and printers come in
// through small interfaces, so tests run the adapters against the simulated card, a loopback
// centerd, a temporary outbox and the file printer.
package adapters
