// Package jpki speaks the JPKI application of a MyNumber card (公的個人認証AP) over any APDU
// transport: open the application and learn the token kind, read certificates, ask how many PIN
// tries are left without spending one, verify a PIN, have the card sign a DigestInfo, change a
// PIN, and relay the project's PIN-reset stand-in (package pinreset).
//
// A caller sees App methods and typed errors, never APDU bytes: every status word becomes an error
// in one place (status.go). PINs are typed (AuthPIN, SignaturePIN): their rules are checked when
// they are made, so a malformed PIN never reaches the card and never costs a try, and their bytes
// are zeroed as soon as the card has had them.
//
// The APDUs are the ones real cards answer (domain.md §2, research/jpki.md): short file ids, P2
// key references for VERIFY (98/9B) and signing (97/9A), and one extended READ BINARY for a whole
// certificate, falling back for the rest of the session to 256-byte reads when the reader or card
// refuses extended length (6700, 6Cxx or a transport error on the extended form). A login — select,
// read the user-auth certificate, tries, verify, sign — takes 5 APDUs with extended length and
// 11 with 256-byte reads for a 1.6 KB certificate.
//
// The package imports no hardware library: hw/card supplies a PC/SC Transport, hw/card/jpkisim a
// simulated card.
package jpki
