package jpkisim

import (
	"encoding/json"
	"fmt"
	"os"
)

// Token kinds, as the label in EF 0006 names them.
const (
	TokenCard    = "card"    // JPKIAPICCTOKEN2
	TokenAndroid = "android" // JPKIAPGPSETOKEN
	TokenIPhone  = "iphone"  // JPKIAPIOSTOKEN
)

// Profile is everything a simulated card is personalised with. centerd writes one for a demo
// resident (`centerd export-card`), jpkicard and the in-process simulator load it. It holds test
// keys only; it is never produced for a real person.
type Profile struct {
	Token         string `json:"token"`                     // TokenCard, TokenAndroid or TokenIPhone
	AuthCert      []byte `json:"auth_cert"`                 // DER, EF 000A
	AuthKey       []byte `json:"auth_key"`                  // PKCS#8 DER RSA-2048, EF 0017
	AuthCACert    []byte `json:"auth_ca_cert"`              // DER, EF 000B
	SigCert       []byte `json:"sig_cert,omitempty"`        // DER, EF 0001; absent for under-15s
	SigKey        []byte `json:"sig_key,omitempty"`         // PKCS#8 DER, EF 001A
	SigCACert     []byte `json:"sig_ca_cert,omitempty"`     // DER, EF 0002
	AuthPIN       string `json:"auth_pin"`                  // 4 digits
	SigPIN        string `json:"sig_pin,omitempty"`         // 6–16 A-Z0-9
	AuthTriesLeft int    `json:"auth_tries_left,omitempty"` // 0 = full (3)
	SigTriesLeft  int    `json:"sig_tries_left,omitempty"`  // 0 = full (5)
	ResetKey      []byte `json:"reset_key,omitempty"`       // pinreset.CardKey for this card
	ResidentID    string `json:"resident_id,omitempty"`     // the center's id, for humans only
}

// LoadProfile reads a profile written by SaveProfile.
func LoadProfile(path string) (Profile, error) {
	var p Profile
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("load card profile: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("load card profile %s: %w", path, err)
	}
	return p, nil
}

// SaveProfile writes p with owner-only permissions (it holds the card's private keys).
func SaveProfile(path string, p Profile) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save card profile: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("save card profile: %w", err)
	}
	return nil
}
