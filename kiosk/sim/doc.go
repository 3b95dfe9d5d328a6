// Package sim is a test kit for the session machine: in-memory stand-ins for every port of
// package kiosk (a simulated JPKI token with the real PIN-reset stand-in MAC, a center that seals
// real Ed25519 document envelopes bound to its sessions, a printer, a cashbox with a limited
// float, an outbox with a capacity, a journal) and a fake clock. Each can be told to fail the
// way the real part fails: card pulled, center down, slow or answering garbage, printer faults,
// a cashbox that cannot pay out.
//
// It holds made-up demo residents only. It imports no fyne, scard, periph, bbolt or net/http.
package sim
