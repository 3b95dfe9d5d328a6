// Package document owns certificate documents from the moment the center signs them until they
// are pixels: the signed envelope and its binding to one session (envelope.go), the certificate
// type, option and field codes shared with the center (fields.go), page layout, the anti-forgery
// ground pattern and the page verification code.
//
// An envelope is trusted only after Envelope.Open has verified its signatures with a municipality
// key the kiosk already holds, and printed only after Content.CheckBinding has matched it to the
// session on screen. Signatures are Ed25519: small enough for a QR code, fast to check.
//
// This package imports no fyne, scard, periph, bbolt or net/http.
package document
