// Package pinreset is this project's stand-in for the issuer-authorised PIN reset that a real
// kiosk relays from J-LIS (domain.md §5). The real protocol is not public; this one has the same
// shape and the same guarantees, behind one small interface so a real one can replace it:
//
//   - one-time: the card issues a fresh challenge (GET CHALLENGE, 00 84 00 00 10) and accepts
//     exactly one reset command against it;
//   - card-bound: the MAC covers the SHA-256 of the card's user-auth certificate;
//   - issuer-authorised: the MAC key is derived from an issuer master key that only the issuing
//     center and the card (which stores its derived key) hold. The kiosk relays, never holds a key;
//   - the new PIN never leaves the kiosk for the center: it is appended to the authorised command
//     on the way to the card and is not covered by the MAC.
//
// The command: CLA 80, INS 2C (after ISO RESET RETRY COUNTER), P1 00, P2 = 98 (user-auth PIN) or
// 9B (signature PIN), data = MAC (32 bytes) ‖ new PIN (ASCII). The card answers 9000 and restores
// the counter to its maximum, 6985 with no outstanding challenge, 6982 on a bad MAC (the challenge
// is spent either way), 6A80 when the new PIN breaks the rules of its kind.
package pinreset

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Key references for P2.
const (
	RefAuthPIN      = 0x98
	RefSignaturePIN = 0x9B
)

// APDU header bytes of the stand-in commands.
const (
	CLA          = 0x80
	INSReset     = 0x2C
	ChallengeLen = 16
	MACLen       = sha256.Size
)

const (
	keyLabel = "JPKI-PINRESET-KEY-1"
	macLabel = "JPKI-PINRESET-1"
)

// CardKey derives one card's reset key from the issuer master key and the SHA-256 of the card's
// user-auth certificate. The center derives it on demand; the card is personalised with it.
func CardKey(master []byte, authCertSHA256 []byte) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(keyLabel))
	m.Write(authCertSHA256)
	return m.Sum(nil)
}

// MAC authorises one reset of the PIN named by ref on the card that issued challenge.
func MAC(cardKey, challenge []byte, ref byte, authCertSHA256 []byte) []byte {
	m := hmac.New(sha256.New, cardKey)
	m.Write([]byte(macLabel))
	m.Write(challenge)
	m.Write([]byte{ref})
	m.Write(authCertSHA256)
	return m.Sum(nil)
}

// Check reports whether mac authorises the reset, in constant time.
func Check(cardKey, challenge []byte, ref byte, authCertSHA256, mac []byte) bool {
	return hmac.Equal(MAC(cardKey, challenge, ref, authCertSHA256), mac)
}
