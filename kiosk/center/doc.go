// Package center owns the kiosk's side of the issuing center's wire contract: the JSON types of
// every call (api.go), the refusal codes the center answers with (codes.go), the byte string a
// card signs at login (LoginMessage), and the HTTPS client with mutual TLS that the kiosk uses
// (client.go). The reference server that speaks the same contract lives in center/server.
//
// Contract, version 1 (paths under /v1):
//
//   - Transport: HTTPS, TLS 1.3, mutual TLS. The kiosk presents its device certificate (its
//     CommonName is the kiosk id) and trusts only the center CA it was provisioned with.
//   - Bodies are JSON objects of at most MaxBodyBytes; unknown fields are refused.
//   - Every call that changes state carries an Idempotency-Key header (1–128 bytes of
//     [A-Za-z0-9._:-]). The center keeps the first answer for (kiosk, path, key) and returns it,
//     byte for byte, for every repeat with the same body; a repeat with another body is refused
//     with CodeIdempotencyConflict.
//   - Refusals are 4xx answers with {"code","message","details"}: one code per reason, so the
//     kiosk can tell the resident what happened and what to do (codes.go). 408 and 429 are
//     temporary; every other 4xx is permanent. 5xx and unparseable answers are service failures.
//
// Calls (all POST with a JSON body and an Idempotency-Key, except health):
//
//	GET  /v1/health                 → Health
//	POST /v1/challenge              ChallengeRequest → Challenge (nonce, 2 minutes)
//	POST /v1/login                  LoginRequest → Session (catalog, members, notices; or the PIN-reset reservation)
//	POST /v1/logout                 SessionRequest → OK
//	POST /v1/issue                  IssueRequest → Issuance (fee, one signed envelope per copy)
//	POST /v1/koseki/register        SessionRequest → KosekiRegistration
//	POST /v1/pinreset/authorize     PINResetRequest → PINResetCommand (MAC for 80 2C 00 ref)
//	POST /v1/complete|void|refund   CompletionRecord|VoidRecord|RefundRecord → RecordAck
//	POST /v1/pinreset/result        PINResetResult → RecordAck
//	POST /v1/records                Record (an outbox record of any kind above, or telemetry/journal) → RecordAck
//
// The direct record calls and /v1/records share one idempotency space per kiosk: a record sent
// directly and later again by the outbox with the same key is answered "duplicate".
//
// Statuses of refusals: 400 bad request or wrong purpose; 401 the kiosk, challenge, session,
// signature or issuer is not accepted; 403 the resident, card, time or request is refused (the
// code says which); 404 reservation, issuance or path unknown; 409 state or idempotency
// conflict; 413 body too large.
//
// The client turns answers into values and errors a caller can decide on: *RefusalError for a
// refusal, ErrUnavailable for transport failures and 5xx, ErrTimeout when the deadline passed,
// ErrBadResponse for answers that do not parse.
//
// This package imports no fyne, scard, periph or bbolt. It never logs: requests carry PIN-free
// data only (the PIN never leaves the kiosk), and personal data in answers is the caller's to keep
// off logs.
package center
