package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/jpki/pinreset"

	bolt "go.etcd.io/bbolt"
)

// ReservationTTL is how long a PIN-reset reservation stays valid (domain.md §5).
const ReservationTTL = 24 * time.Hour

// reservation is a PIN-reset reservation, as the smartphone app would make it.
type reservation struct {
	ID       string    `json:"id"`
	Resident string    `json:"resident"`
	PIN      string    `json:"pin"` // which PIN it resets
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	Used     bool      `json:"used"`
}

// resetRecord is one authorised reset command and, later, its result.
type resetRecord struct {
	ID          string    `json:"id"`
	Reservation string    `json:"reservation"`
	Kiosk       string    `json:"kiosk"`
	Ref         byte      `json:"ref"`
	Created     time.Time `json:"created"`
	Result      string    `json:"result,omitempty"` // "ok" or "failed"
}

// openReservation finds the resident's reservation for pin ("" = any): unused and unexpired.
// It reports reservation_expired when only expired ones exist.
func (s *Server) openReservation(resident, pin string, now time.Time) (reservation, *apiError) {
	var found, expired *reservation
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktReservations).ForEach(func(k, v []byte) error {
			var r reservation
			if err := jsonUnmarshal(v, &r); err != nil {
				return err
			}
			if r.Resident != resident || r.Used || (pin != "" && r.PIN != pin) {
				return nil
			}
			if now.After(r.Expires) {
				expired = &r
			} else if found == nil || r.Created.After(found.Created) {
				found = &r
			}
			return nil
		})
	})
	if err != nil {
		return reservation{}, internal(err)
	}
	if found != nil {
		return *found, nil
	}
	if expired != nil {
		return reservation{}, forbidden(center.CodeReservationExpired, "reservation older than 24 hours: reserve again in the app")
	}
	return reservation{}, refuse(http.StatusNotFound, center.CodeReservationNotFound, "no PIN-reset reservation: reserve in the app first")
}

func (s *Server) handlePINReset(c call, req *center.PINResetRequest) result {
	now := s.now()
	ss, aerr := s.session(c.kiosk, req.SessionID, now)
	if aerr != nil {
		return result{err: aerr}
	}
	if ss.purpose != center.PurposePINReset {
		return result{err: refuse(http.StatusBadRequest, center.CodeWrongPurpose, "session was opened for issuance")}
	}
	var ref byte
	switch req.PIN {
	case center.CertSignature:
		ref = pinreset.RefSignaturePIN
	case center.CertAuth:
		ref = pinreset.RefAuthPIN
	default:
		return result{err: badRequest("pin %q: want %q or %q", req.PIN, center.CertAuth, center.CertSignature)}
	}
	if len(req.CardChallenge) != pinreset.ChallengeLen {
		return result{err: badRequest("card_challenge: want %d bytes", pinreset.ChallengeLen)}
	}
	// The resident proves the PIN they still know: the 4-digit PIN resets the signature PIN, the
	// signature PIN resets the 4-digit PIN (the mirror case).
	if req.PIN == ss.certKind {
		return result{err: forbidden(center.CodeResetNotAllowed, "log in with the other PIN to reset this one")}
	}
	res, _, aerr := s.recheck(ss, now, false)
	if aerr != nil {
		return result{err: aerr}
	}
	if res.NoSigCert {
		return result{err: forbidden(center.CodeNoSignatureCert, "card has no signature certificate")}
	}
	if res.SigStatus != "" {
		return result{err: forbidden(center.CodeResetNotAllowed, "signature certificate is "+res.SigStatus, "signature_cert", res.SigStatus)}
	}
	var rv reservation
	if req.ReservationID != "" {
		err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktReservations, req.ReservationID, &rv) })
		if err != nil && err != errNotFound {
			return result{err: internal(err)}
		}
		if err == errNotFound || rv.Resident != res.ID || rv.Used || rv.PIN != req.PIN {
			return result{err: refuse(http.StatusNotFound, center.CodeReservationNotFound, "no such open reservation for this card and PIN")}
		}
		if now.After(rv.Expires) {
			return result{err: forbidden(center.CodeReservationExpired, "reservation older than 24 hours: reserve again in the app")}
		}
	} else {
		var aerr *apiError
		if rv, aerr = s.openReservation(res.ID, req.PIN, now); aerr != nil {
			return result{err: aerr}
		}
	}
	key := pinreset.CardKey(s.pki.resetMaster, ss.authSHA256)
	cmd := center.PINResetCommand{ResetID: randomID("rs_"), Ref: ref,
		MAC: pinreset.MAC(key, req.CardChallenge, ref, ss.authSHA256)}
	rec := resetRecord{ID: cmd.ResetID, Reservation: rv.ID, Kiosk: c.kiosk, Ref: ref, Created: now}
	return result{answer: cmd, writes: func(tx *bolt.Tx) error { return putJSON(tx, bktResets, rec.ID, rec) }}
}

// resetResult records what the card answered; an ok result uses up the reservation.
func (s *Server) resetResult(c call, p *center.PINResetResult, store func(*bolt.Tx) error) result {
	var rec resetRecord
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktResets, p.ResetID, &rec) })
	if err == errNotFound || (err == nil && rec.Kiosk != c.kiosk) {
		return result{err: refuse(http.StatusNotFound, center.CodeNotFound, "no such reset at this kiosk")}
	}
	if err != nil {
		return result{err: internal(err)}
	}
	outcome := "failed"
	if p.OK {
		outcome = "ok"
	}
	return result{answer: center.RecordAck{Status: "accepted"}, writes: func(tx *bolt.Tx) error {
		var cur resetRecord
		if err := getJSON(tx, bktResets, p.ResetID, &cur); err != nil {
			return err
		}
		if cur.Result != "" {
			return txRefusal{refuse(http.StatusConflict, center.CodeInvalidState, "reset result already reported", "result", cur.Result)}
		}
		cur.Result = outcome
		if err := putJSON(tx, bktResets, cur.ID, cur); err != nil {
			return err
		}
		if p.OK {
			var rv reservation
			if err := getJSON(tx, bktReservations, cur.Reservation, &rv); err != nil {
				return fmt.Errorf("reservation of reset %s: %w", cur.ID, err)
			}
			rv.Used = true
			if err := putJSON(tx, bktReservations, rv.ID, rv); err != nil {
				return err
			}
		}
		return store(tx)
	}}
}

func (s *Server) handleKosekiRegister(c call, req *center.SessionRequest) result {
	now := s.now()
	ss, aerr := s.session(c.kiosk, req.SessionID, now)
	if aerr != nil {
		return result{err: aerr}
	}
	if ss.purpose != center.PurposeIssue {
		return result{err: refuse(http.StatusBadRequest, center.CodeWrongPurpose, "session was opened for a PIN reset")}
	}
	res, err := s.resident(ss.resident)
	if err != nil {
		return result{err: internal(err)}
	}
	muni, err := s.municipality(res.Municipality)
	if err != nil {
		return result{err: internal(err)}
	}
	if aerr := s.checkServiceTime(muni, now, true); aerr != nil {
		return result{err: aerr}
	}
	if res.Foreign || res.HonsekiMuni == "" {
		return result{err: forbidden(center.CodeNoFamilyRegister, "no family register")}
	}
	hm, err := s.municipality(res.HonsekiMuni)
	if err != nil {
		return result{err: internal(err)}
	}
	if !hm.Participating {
		return result{err: forbidden(center.CodeKosekiNotRegisteredHere, "the 本籍地 does not issue family-register certificates through the service")}
	}
	res.KosekiRegistered = true
	ans := center.KosekiRegistration{Registered: true, Catalog: s.catalog(res, muni, now)}
	return result{answer: ans, writes: func(tx *bolt.Tx) error {
		var cur Resident
		if err := getJSON(tx, bktResidents, res.ID, &cur); err != nil {
			return err
		}
		cur.KosekiRegistered = true
		return putJSON(tx, bktResidents, cur.ID, cur)
	}}
}

// ResetResults is every PIN-reset command issued, by reset id, with the result the kiosk
// reported ("ok", "failed", or "" while none has arrived): for tests and the admin.
func (s *Server) ResetResults() (map[string]string, error) {
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktResets).ForEach(func(k, v []byte) error {
			var r resetRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reset %s: %w", k, err)
			}
			out[r.ID] = r.Result
			return nil
		})
	})
	return out, err
}
