package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"certkiosk/kiosk/center"

	bolt "go.etcd.io/bbolt"
)

// Admin paths (plain HTTP on a loopback port; the rig's operator and tests change the world
// through them while kiosks run).
const (
	AdminResidents   = "/admin/v1/residents"
	AdminRevoke      = "/admin/v1/revoke"
	AdminSuspend     = "/admin/v1/suspend"
	AdminRestore     = "/admin/v1/restore"
	AdminReserve     = "/admin/v1/reservations"
	AdminMaintenance = "/admin/v1/maintenance"
	AdminMove        = "/admin/v1/move"
	AdminClock       = "/admin/v1/clock"
	AdminExportCard  = "/admin/v1/export/card"
	AdminExportKiosk = "/admin/v1/export/kiosk"
	AdminIssuance    = "/admin/v1/issuance"
)

// AdminRequest is the body of every admin POST; each call uses the fields it needs.
type AdminRequest struct {
	Resident     string    `json:"resident,omitempty"`
	Cert         string    `json:"cert,omitempty"`         // revoke: auth, signature or both
	PIN          string    `json:"pin,omitempty"`          // reservations: auth or signature
	Municipality string    `json:"municipality,omitempty"` // maintenance: "" = all
	On           bool      `json:"on,omitempty"`           // maintenance
	Status       string    `json:"status,omitempty"`       // move: moved_out, move_out_filed, deceased, "" (back)
	MovedInToday bool      `json:"moved_in_today,omitempty"`
	At           time.Time `json:"at,omitempty"` // clock: zero = real time
}

// ErrUnknownResident is returned by admin calls naming no resident.
var ErrUnknownResident = errors.New("unknown resident")

// updateResident applies fn to a resident in one transaction and stamps its as-of time.
func (s *Server) updateResident(id string, fn func(*Resident) error) error {
	now := s.now()
	return s.db.Update(func(tx *bolt.Tx) error {
		var r Resident
		if err := getJSON(tx, bktResidents, id, &r); err != nil {
			if err == errNotFound {
				return fmt.Errorf("%w: %q", ErrUnknownResident, id)
			}
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.UpdatedAt = now
		return putJSON(tx, bktResidents, id, r)
	})
}

// Revoke revokes a resident's certificates: cert is center.CertAuth, center.CertSignature or "both".
func (s *Server) Revoke(resident, cert string) error {
	return s.updateResident(resident, func(r *Resident) error {
		switch cert {
		case center.CertAuth:
			r.AuthStatus = StatusRevoked
		case center.CertSignature:
			r.SigStatus = StatusRevoked
		case "both", "":
			r.AuthStatus, r.SigStatus = StatusRevoked, StatusRevoked
		default:
			return fmt.Errorf("revoke: cert %q: want auth, signature or both", cert)
		}
		return nil
	})
}

// Suspend suspends a resident's card (reported lost).
func (s *Server) Suspend(resident string) error {
	return s.updateResident(resident, func(r *Resident) error {
		r.AuthStatus, r.SigStatus = StatusSuspended, StatusSuspended
		return nil
	})
}

// Restore clears revocation and suspension.
func (s *Server) Restore(resident string) error {
	return s.updateResident(resident, func(r *Resident) error {
		r.AuthStatus, r.SigStatus = "", ""
		return nil
	})
}

// Move changes a resident's residency status (moved_out, move_out_filed, deceased, or "" for a
// current resident); movedInToday makes today their move-in day.
func (s *Server) Move(resident, status string, movedInToday bool) error {
	switch status {
	case "", ResidentMovedOut, ResidentMoveOutFiled, ResidentDeceased:
	default:
		return fmt.Errorf("move: status %q unknown", status)
	}
	day := s.now().Format("2006-01-02")
	return s.updateResident(resident, func(r *Resident) error {
		r.Status = status
		if movedInToday {
			r.MovedIn, r.BecameResident, r.AddressDate = day, day, day
		}
		return nil
	})
}

// SetMaintenance puts one municipality (or, with code "", the whole service) into or out of
// maintenance.
func (s *Server) SetMaintenance(code string, on bool) error {
	if code == "" {
		s.maintenanceAll.Store(on)
		return s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bktMeta, "maintenance", on) })
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		var m Municipality
		if err := getJSON(tx, bktMunis, code, &m); err != nil {
			return fmt.Errorf("municipality %q: %w", code, err)
		}
		m.Maintenance = on
		return putJSON(tx, bktMunis, code, m)
	})
}

// Reserve makes a PIN-reset reservation for a resident, valid 24 hours, as the smartphone app
// would. pin names the PIN to reset (center.CertSignature or center.CertAuth).
func (s *Server) Reserve(resident, pin string) (center.Reservation, error) {
	if pin != center.CertAuth && pin != center.CertSignature {
		return center.Reservation{}, fmt.Errorf("reserve: pin %q: want auth or signature", pin)
	}
	if _, err := s.resident(resident); err != nil {
		return center.Reservation{}, fmt.Errorf("%w: %q", ErrUnknownResident, resident)
	}
	now := s.now()
	rv := reservation{ID: randomID("rv_"), Resident: resident, PIN: pin, Created: now, Expires: now.Add(ReservationTTL)}
	err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bktReservations, rv.ID, rv) })
	if err != nil {
		return center.Reservation{}, fmt.Errorf("reserve: %w", err)
	}
	return center.Reservation{ReservationID: rv.ID, PIN: pin, Expires: rv.Expires}, nil
}

// AdminHandler serves the admin API. It has no authentication: bind it to loopback only.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	post := func(path string, fn func(AdminRequest) (any, error)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				writeError(w, refuse(http.StatusMethodNotAllowed, center.CodeMethodNotAllowed, "use POST"))
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, center.MaxBodyBytes))
			if err != nil {
				writeError(w, refuse(http.StatusRequestEntityTooLarge, center.CodeTooLarge, err.Error()))
				return
			}
			req, err := decodeInto[AdminRequest](body)
			if err != nil {
				writeError(w, badRequest("%s: %v", path, err))
				return
			}
			ans, err := fn(*req)
			adminAnswer(w, ans, err)
		})
	}
	get := func(path, param string, fn func(string) (any, error)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				writeError(w, refuse(http.StatusMethodNotAllowed, center.CodeMethodNotAllowed, "use GET"))
				return
			}
			ans, err := fn(r.URL.Query().Get(param))
			adminAnswer(w, ans, err)
		})
	}
	ok := center.OK{Status: "ok"}
	post(AdminRevoke, func(a AdminRequest) (any, error) { return ok, s.Revoke(a.Resident, a.Cert) })
	post(AdminSuspend, func(a AdminRequest) (any, error) { return ok, s.Suspend(a.Resident) })
	post(AdminRestore, func(a AdminRequest) (any, error) { return ok, s.Restore(a.Resident) })
	post(AdminMove, func(a AdminRequest) (any, error) { return ok, s.Move(a.Resident, a.Status, a.MovedInToday) })
	post(AdminMaintenance, func(a AdminRequest) (any, error) { return ok, s.SetMaintenance(a.Municipality, a.On) })
	post(AdminReserve, func(a AdminRequest) (any, error) { return s.Reserve(a.Resident, a.PIN) })
	post(AdminClock, func(a AdminRequest) (any, error) { s.SetClock(a.At); return map[string]time.Time{"now": s.now()}, nil })
	get(AdminResidents, "", func(string) (any, error) { return s.Residents() })
	get(AdminExportCard, "resident", func(id string) (any, error) { return s.CardProfile(id) })
	get(AdminExportKiosk, "kiosk", func(id string) (any, error) { return s.KioskCredentials(id) })
	get(AdminIssuance, "id", func(id string) (any, error) {
		st, err := s.IssuanceState(id)
		return map[string]string{"state": st}, err
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, refuse(http.StatusNotFound, center.CodeNotFound, "no such endpoint: "+r.URL.Path))
	})
	return recoverer(mux)
}

func adminAnswer(w http.ResponseWriter, ans any, err error) {
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrUnknownResident) || errors.Is(err, errNotFound) {
			status = http.StatusNotFound
		}
		writeError(w, refuse(status, center.CodeBadRequest, err.Error()))
		return
	}
	b, err := json.Marshal(ans)
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, http.StatusOK, b)
}
