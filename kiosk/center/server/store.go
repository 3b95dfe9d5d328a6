package server

import (
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the center's database.
var (
	bktMeta         = []byte("meta")         // seeded_at, pki
	bktMunis        = []byte("municipality") // code → Municipality
	bktResidents    = []byte("resident")     // id → Resident
	bktCards        = []byte("card")         // resident id → cardMaterial
	bktCerts        = []byte("cert")         // hex SHA-256 of a certificate → certRef
	bktKiosks       = []byte("kiosk")        // kiosk id → kioskMaterial
	bktIdem         = []byte("idempotency")  // kiosk ␀ path ␀ key → storedAnswer
	bktIssuances    = []byte("issuance")     // issuance id → issuanceRecord
	bktRecords      = []byte("record")       // kiosk ␀ key → record
	bktReservations = []byte("reservation")  // reservation id → reservation
	bktResets       = []byte("reset")        // reset id → resetRecord
	allBuckets      = [][]byte{bktMeta, bktMunis, bktResidents, bktCards, bktCerts, bktKiosks, bktIdem,
		bktIssuances, bktRecords, bktReservations, bktResets}
)

var errNotFound = errors.New("not found")

func getJSON(tx *bolt.Tx, bkt []byte, key string, v any) error {
	b := tx.Bucket(bkt).Get([]byte(key))
	if b == nil {
		return errNotFound
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s/%s: %w", bkt, key, err)
	}
	return nil
}

func putJSON(tx *bolt.Tx, bkt []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", bkt, key, err)
	}
	if err := tx.Bucket(bkt).Put([]byte(key), b); err != nil {
		return fmt.Errorf("put %s/%s: %w", bkt, key, err)
	}
	return nil
}
