package jpki

import (
	"fmt"

	"certkiosk/kiosk/jpki/pinreset"
)

// Challenge asks the card for a fresh one-time challenge (GET CHALLENGE) for the PIN-reset
// stand-in (package pinreset). The center binds its reset authorisation to it.
func (a *App) Challenge() ([]byte, error) {
	op := "get challenge"
	r, err := a.transmit(op, []byte{0x00, 0x84, 0x00, 0x00, pinreset.ChallengeLen})
	if err != nil {
		return nil, err
	}
	if err := statusErr(op, r.sw, 0); err != nil {
		return nil, err
	}
	if len(r.data) != pinreset.ChallengeLen {
		return nil, fmt.Errorf("%s: %w: %d-byte challenge", op, ErrMalformed, len(r.data))
	}
	return r.data, nil
}

// ResetPIN relays the center's authorisation (mac) for the last Challenge and sets newPIN, which
// is zeroed whatever happens. The card restores the PIN's counter to its maximum. A bad or reused
// authorisation gives ErrSecurityStatus; no outstanding challenge gives ErrConditions.
func (a *App) ResetPIN(mac []byte, newPIN PIN) error {
	if newPIN == nil {
		return ErrPINUsed
	}
	defer newPIN.Zero()
	b := newPIN.bytes()
	if b == nil {
		return ErrPINUsed
	}
	if len(mac) != pinreset.MACLen {
		return fmt.Errorf("reset %s: %d-byte authorisation, want %d", newPIN.Ref(), len(mac), pinreset.MACLen)
	}
	op := "reset " + newPIN.Ref().String()
	cmd := make([]byte, 0, 5+len(mac)+len(b))
	cmd = append(cmd, pinreset.CLA, pinreset.INSReset, 0x00, byte(newPIN.Ref()), byte(len(mac)+len(b)))
	cmd = append(cmd, mac...)
	cmd = append(cmd, b...)
	r, err := a.transmit(op, cmd)
	clear(cmd)
	if err != nil {
		return err
	}
	return statusErr(op, r.sw, 0)
}
