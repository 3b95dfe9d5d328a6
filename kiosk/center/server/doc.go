// Package server is the reference issuing center (`centerd`): the other side of the wire
// contract in package center, for development, CI, the demo and field test rigs.
//
// On first start in its data directory it creates a test PKI (pki package: three generations of
// JPKI-TEST user-auth and signature roots sharing one name, the kiosk device CA, the center's TLS
// CA and certificate, an Ed25519 document key per municipality, the PIN-reset master key) and
// seeds a demo world: three municipalities that differ (みどり野市 prints 個人番号 on request and
// issues 戸籍 every day; あおば町 never prints 個人番号, charges more and issues 戸籍 on weekdays
// 9:00–17:00 only; かわせみ村 is not in the service), households of Japanese and foreign residents,
// seal registrations, tax records, family registers with 本籍 inside and outside, and one resident
// for every refusal (Residents lists them with their case). Residents' RSA keys and certificates
// are made on first use (export or CardProfile), which keeps first start short.
//
// What is stored (bbolt, one file): the PKI, municipalities, residents, cards, kiosk credentials,
// issuances (state only, never certificate content), records, reservations, resets, and every
// successful answer under its idempotency key. Challenges and sessions live in memory: a
// restarted center answers challenge_expired / session_expired and the kiosk logs in again.
//
// Decisions: refusals change nothing and are not stored under their idempotency key (a repeat is
// decided again: hours may have opened); every success is stored with the request's hash and
// replayed byte for byte. A login consumes its challenge only when it succeeds. 戸籍 items are
// issued, priced, timed and signed by the 本籍地; a 戸籍 use registration takes effect at once.
// The center's clock (Config.Now, SetClock) decides hours, closed days (29 Dec–3 Jan), under-15,
// move-in day and certificate validity; public holidays are not modelled.
//
// The admin API (AdminHandler) has no authentication: serve it on loopback only.
//
// This package may import net/http and bbolt; it never imports fyne, scard or periph, and it
// never logs personal data or PINs.
package server
