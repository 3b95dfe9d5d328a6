// Package pki makes and checks the test PKI of the reference issuing center: JPKI-like user-auth
// and signature CA hierarchies (three root generations sharing one subject name, as J-LIS has),
// residents' user-auth and signature certificates in the profile of research/jpki.md §4, the
// kiosk device CA and kiosk certificates, and the center's TLS CA and server certificate.
//
// Everything it makes is for tests and demos: keys are generated at run time, subjects carry
// "JPKI-TEST", and no certificate here names a real person. JPKI certificates are dated from the
// center's clock (tests put it anywhere); TLS certificates from the real clock, because crypto/tls
// checks them against it.
//
// Chain checks choose the issuing root by signature, never by name alone (VerifyJPKI).
//
// This package imports no net/http, bbolt, fyne, scard or periph.
package pki
