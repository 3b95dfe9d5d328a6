// Package centertest starts a reference issuing center in-process for other packages' tests:
// real HTTPS with mutual TLS on a loopback port, in a temporary data directory, with a clock the
// test controls.
//
// The PKI and every demo resident's card are made once per test binary (RSA key generation is
// the slow part) and copied for each center, so a test pays milliseconds, not seconds.
//
// It is for tests only (it imports testing); production code and cmd/kiosk -demo use
// server.New and Server.Start directly. It imports no fyne, scard or periph.
package centertest
