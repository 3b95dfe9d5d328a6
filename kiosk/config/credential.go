package config

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// HashTechnicianCredential returns the maintenance.technician_hash value for a credential, with
// a fresh random salt.
func HashTechnicianCredential(credential string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("technician credential salt: %w", err)
	}
	return hashWith(credential, salt, minPBKDF2Iterations)
}

func hashWith(credential string, salt []byte, iter int) (string, error) {
	key, err := pbkdf2.Key(sha256.New, credential, salt, iter, 32)
	if err != nil {
		return "", fmt.Errorf("technician credential hash: %w", err)
	}
	return "pbkdf2-sha256$" + strconv.Itoa(iter) + "$" + base64.RawStdEncoding.EncodeToString(salt) +
		"$" + base64.RawStdEncoding.EncodeToString(key), nil
}

// CheckTechnicianCredential reports whether credential matches the configured hash. The caller
// limits and journals attempts (maintenance.max_attempts).
func (m Maintenance) CheckTechnicianCredential(credential string) (bool, error) {
	if err := checkHash(m.TechnicianHash); err != nil {
		return false, fmt.Errorf("maintenance.technician_hash: %w", err)
	}
	parts := strings.Split(m.TechnicianHash, "$")
	iter, _ := strconv.Atoi(parts[1])
	salt, _ := base64.RawStdEncoding.DecodeString(parts[2])
	got, err := hashWith(credential, salt, iter)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(m.TechnicianHash)) == 1, nil
}
