package center

// loginLabel starts every login message; a version change gives a new label.
const loginLabel = "CERTKIOSK-LOGIN-1"

// LoginMessage is the byte string a card signs to log in: label ‖ 0x00 ‖ len(nonce) ‖ nonce ‖
// len(kiosk id) ‖ kiosk id (lengths as one byte each; nonce and kiosk id are at most 255 bytes).
// The kiosk hashes it with SHA-256 and has the card sign the DigestInfo; the center builds the same
// bytes with the kiosk id from the kiosk's TLS certificate, so a signature made at one kiosk does
// not log in at another.
func LoginMessage(nonce []byte, kioskID string) []byte {
	b := make([]byte, 0, len(loginLabel)+3+len(nonce)+len(kioskID))
	b = append(b, loginLabel...)
	b = append(b, 0, byte(len(nonce)))
	b = append(b, nonce...)
	b = append(b, byte(len(kioskID)))
	b = append(b, kioskID...)
	return b
}
