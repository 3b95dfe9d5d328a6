package document

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// The keys file is how a verifier (kioskctl verify, a kiosk) is given the municipalities'
// public keys: a JSON object mapping key id to the standard-base64 Ed25519 public key,
//
//	{"131016-2026-1": "mC3v…=", "999999-demo-1": "…"}
//
// The center exports it; verifiers never take a key from the page they check.

// ParseKeysJSON reads a keys file. Every entry must be a 32-byte Ed25519 key.
func ParseKeysJSON(b []byte) (Keys, error) {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("keys file: want a JSON object of key id to base64 public key: %w", err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("keys file: no keys")
	}
	keys := Keys{}
	for id, v := range raw {
		pub, err := base64.StdEncoding.DecodeString(v)
		if id == "" || err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("keys file: key %q is not a base64 Ed25519 public key", id)
		}
		keys[id] = ed25519.PublicKey(pub)
	}
	return keys, nil
}

// MarshalKeysJSON writes keys in the keys-file format.
func MarshalKeysJSON(keys Keys) ([]byte, error) {
	raw := make(map[string]string, len(keys))
	for id, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("keys file: key %q has %d bytes", id, len(k))
		}
		raw[id] = base64.StdEncoding.EncodeToString(k)
	}
	b, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	return b, nil
}
