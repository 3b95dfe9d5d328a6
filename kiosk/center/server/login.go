package server

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/pki"

	bolt "go.etcd.io/bbolt"
)

// challenge is an outstanding login challenge. Challenges and sessions live in memory only: a
// restarted center has forgotten them and answers challenge_expired / session_expired.
type challenge struct {
	kiosk   string
	purpose string
	nonce   []byte
	expires time.Time
	used    bool
	busy    bool // a login with it is being decided: a concurrent second login is refused
}

// session is an open login. Nothing in it is shared with another session.
type session struct {
	id         string
	kiosk      string
	purpose    string
	certKind   string
	resident   string
	nonce      []byte
	authSHA256 []byte // the login certificate's hash for auth logins; the binding of every document
	expires    time.Time
	members    map[string]string // member id → resident id
	ended      bool
}

func randomID(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("center: random id: %v", err))
	}
	return prefix + hex.EncodeToString(b[:])
}

// sweep drops expired challenges and sessions, at most once a second. Caller holds s.mu.
func (s *Server) sweep(now time.Time) {
	if now.Sub(s.lastSweep) < time.Second && now.After(s.lastSweep) {
		return
	}
	s.lastSweep = now
	for id, c := range s.challenges {
		if now.After(c.expires) {
			delete(s.challenges, id)
		}
	}
	for id, ss := range s.sessions {
		if now.After(ss.expires.Add(time.Minute)) {
			delete(s.sessions, id)
		}
	}
}

func (s *Server) handleChallenge(c call, req *center.ChallengeRequest) result {
	if req.Purpose != center.PurposeIssue && req.Purpose != center.PurposePINReset {
		return result{err: badRequest("purpose %q: want %q or %q", req.Purpose, center.PurposeIssue, center.PurposePINReset)}
	}
	now := s.now()
	ch := &challenge{kiosk: c.kiosk, purpose: req.Purpose, nonce: make([]byte, 32), expires: now.Add(s.cfg.ChallengeTTL)}
	if _, err := rand.Read(ch.nonce); err != nil {
		return result{err: internal(err)}
	}
	id := randomID("ch_")
	return result{
		answer: center.Challenge{ChallengeID: id, Nonce: ch.nonce, Expires: ch.expires},
		commit: func() {
			s.mu.Lock()
			s.sweep(now)
			s.challenges[id] = ch
			s.mu.Unlock()
		},
	}
}

// forbidden is a refusal about the resident or the card (403).
func forbidden(code, msg string, kv ...string) *apiError {
	return refuse(http.StatusForbidden, code, msg, kv...)
}

func (s *Server) handleLogin(c call, req *center.LoginRequest) result {
	now := s.now()
	// Take the challenge for this attempt, so that two logins racing with one challenge cannot
	// both open a session. A refusal gives it back (refusals change nothing); a success spends it.
	s.mu.Lock()
	ch, ok := s.challenges[req.ChallengeID]
	var chCopy challenge
	if ok {
		chCopy = *ch
	}
	free := ok && chCopy.kiosk == c.kiosk && !chCopy.used && !chCopy.busy
	if free && !now.After(chCopy.expires) {
		ch.busy = true
	}
	s.mu.Unlock()
	if !free {
		return result{err: refuse(http.StatusUnauthorized, center.CodeChallengeExpired, "unknown or used challenge: ask for a new one")}
	}
	if now.After(chCopy.expires) {
		return result{err: refuse(http.StatusUnauthorized, center.CodeChallengeExpired, "challenge expired: ask for a new one")}
	}
	res := s.login(c, req, ch, chCopy, now)
	if res.err != nil {
		s.mu.Lock()
		ch.busy = false
		s.mu.Unlock()
	}
	return res
}

// login decides a login whose challenge this attempt holds.
func (s *Server) login(c call, req *center.LoginRequest, ch *challenge, chCopy challenge, now time.Time) result {
	if len(req.Certificate) == 0 || len(req.Certificate) > 8192 {
		return result{err: badRequest("certificate: want 1-8192 bytes of DER")}
	}
	cert, err := x509.ParseCertificate(req.Certificate)
	if err != nil {
		return result{err: badRequest("certificate: %v", err)}
	}
	kind, err := s.verifyChain(cert, now)
	switch {
	case errors.Is(err, pki.ErrUnknownIssuer):
		return result{err: refuse(http.StatusUnauthorized, center.CodeUnknownIssuer, "certificate not issued by a trusted JPKI CA")}
	case errors.Is(err, pki.ErrExpired) || errors.Is(err, pki.ErrNotYetValid):
		return result{err: forbidden(center.CodeExpired, "certificate outside its validity",
			"not_after", cert.NotAfter.In(JST).Format(time.RFC3339))}
	case err != nil:
		return result{err: refuse(http.StatusUnauthorized, center.CodeUnknownIssuer, err.Error())}
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return result{err: refuse(http.StatusUnauthorized, center.CodeUnknownIssuer, "certificate key is not RSA")}
	}
	digest := sha256.Sum256(center.LoginMessage(chCopy.nonce, c.kiosk))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], req.Signature); err != nil {
		return result{err: refuse(http.StatusUnauthorized, center.CodeBadSignature, "signature does not verify with this certificate")}
	}
	var ref certRef
	var res Resident
	var muni Municipality
	var cm cardMaterial
	err = s.db.View(func(tx *bolt.Tx) error {
		if err := getJSON(tx, bktCerts, certHash(req.Certificate), &ref); err != nil {
			return err
		}
		if err := getJSON(tx, bktResidents, ref.Resident, &res); err != nil {
			return err
		}
		if err := getJSON(tx, bktCards, ref.Resident, &cm); err != nil {
			return err
		}
		return getJSON(tx, bktMunis, res.Municipality, &muni)
	})
	if err == errNotFound || (err == nil && ref.Kind != kind) {
		// A valid JPKI certificate whose holder is in no municipality that uses the service.
		return result{err: forbidden(center.CodeNotParticipating, "certificate holder is not a resident of a participating municipality")}
	}
	if err != nil {
		return result{err: internal(err)}
	}
	if aerr := s.checkCard(res, ref.Kind); aerr != nil {
		return result{err: aerr}
	}
	if chCopy.purpose == center.PurposeIssue && ref.Kind != center.CertAuth {
		return result{err: refuse(http.StatusBadRequest, center.CodeWrongPurpose, "issuance needs the user-auth certificate")}
	}
	if aerr := s.checkServiceTime(muni, now, chCopy.purpose == center.PurposeIssue); aerr != nil {
		return result{err: aerr}
	}
	if chCopy.purpose == center.PurposeIssue {
		if aerr := checkResident(res, muni, now); aerr != nil {
			return result{err: aerr}
		}
	} else if res.Status == ResidentDeceased {
		return result{err: forbidden(center.CodeDeceased, "holder is deceased")}
	}

	ss := &session{id: randomID("ss_"), kiosk: c.kiosk, purpose: chCopy.purpose, certKind: ref.Kind, resident: res.ID,
		nonce: chCopy.nonce, expires: now.Add(s.cfg.SessionTTL), members: map[string]string{}}
	authSHA := sha256.Sum256(cm.AuthCert)
	ss.authSHA256 = authSHA[:]
	ans := center.Session{SessionID: ss.id, Purpose: ss.purpose, CertKind: ss.certKind, Expires: ss.expires,
		Municipality: center.Municipality{Code: muni.Code, Name: muni.Name}, Notices: notices(cert, now)}
	if ss.purpose == center.PurposeIssue {
		members, err := s.household(res)
		if err != nil {
			return result{err: internal(err)}
		}
		for i, m := range members {
			mid := fmt.Sprintf("m%d", i+1)
			ss.members[mid] = m.ID
			ans.Members = append(ans.Members, center.Member{MemberID: mid, Name: m.Name, Relationship: m.Relationship, Self: m.ID == res.ID})
		}
		ans.Catalog = s.catalog(res, muni, now)
	} else {
		rv, err := s.openReservation(res.ID, "", now)
		if err == nil {
			ans.Reservation = &center.Reservation{ReservationID: rv.ID, PIN: rv.PIN, Expires: rv.Expires}
		}
	}
	return result{
		answer: ans,
		commit: func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			ch.used, ch.busy = true, false
			s.sessions[ss.id] = ss
		},
	}
}

// checkCard refuses certificates the card's status rules out.
func (s *Server) checkCard(res Resident, kind string) *apiError {
	st := res.AuthStatus
	if kind == center.CertSignature {
		st = res.SigStatus
	}
	switch st {
	case StatusRevoked:
		return forbidden(center.CodeRevoked, "certificate revoked")
	case StatusSuspended:
		return forbidden(center.CodeSuspended, "card suspended (reported lost)")
	}
	if res.FaceAuth {
		return forbidden(center.CodeFaceAuthCard, "face-authentication card: no PIN, not usable at a kiosk")
	}
	return nil
}

// checkServiceTime refuses outside the service's hours: maintenance, closed days (issuance only),
// 6:30–23:00.
func (s *Server) checkServiceTime(m Municipality, now time.Time, issuance bool) *apiError {
	if m.Maintenance || s.maintenanceAll.Load() {
		return forbidden(center.CodeMaintenance, "maintenance")
	}
	if issuance && closedDay(now) {
		return forbidden(center.CodeClosedDay, "closed 29 Dec - 3 Jan", "reopens", reopening(now).Format("2006-01-02"))
	}
	if !withinHours(center.Hours{Open: ServiceOpen, Close: ServiceClose}, now) {
		return forbidden(center.CodeOutsideHours, "service hours 6:30-23:00 JST", "opens", "06:30", "closes", "23:00")
	}
	return nil
}

func closedDay(now time.Time) bool {
	t := now.In(JST)
	m, d := t.Month(), t.Day()
	return (m == time.December && d >= 29) || (m == time.January && d <= 3)
}

func reopening(now time.Time) time.Time {
	t := now.In(JST)
	y := t.Year()
	if t.Month() == time.December {
		y++
	}
	return time.Date(y, time.January, 4, 0, 0, 0, 0, JST)
}

func withinHours(h center.Hours, now time.Time) bool {
	t := now.In(JST)
	if h.WeekdaysOnly && (t.Weekday() == time.Saturday || t.Weekday() == time.Sunday) {
		return false
	}
	min := t.Hour()*60 + t.Minute()
	return min >= h.Open && min < h.Close
}

// checkResident applies the residency rules of issuance (domain.md §3).
func checkResident(r Resident, m Municipality, now time.Time) *apiError {
	if !m.Participating {
		return forbidden(center.CodeNotParticipating, "municipality does not offer kiosk issuance")
	}
	switch r.Status {
	case ResidentDeceased:
		return forbidden(center.CodeDeceased, "holder is deceased")
	case ResidentMovedOut:
		return forbidden(center.CodeMovedOut, "holder has moved out")
	case ResidentMoveOutFiled:
		return forbidden(center.CodeMoveOutFiled, "move-out notice filed")
	}
	if r.Protected {
		return forbidden(center.CodeProtectedPerson, "support measures in place: counter only")
	}
	if age(r.Birth, now) < 15 {
		return forbidden(center.CodeUnder15, "under 15")
	}
	if r.MovedIn != "" && r.MovedIn == now.In(JST).Format("2006-01-02") {
		return forbidden(center.CodeMoveInDay, "moved in today: available from tomorrow")
	}
	if r.LimitsExceeded {
		return forbidden(center.CodeLimitsExceeded, "name or address beyond system limits")
	}
	return nil
}

// age in full years at now (JST), or -1 for an unreadable birth date.
func age(birth string, now time.Time) int {
	b, err := time.ParseInLocation("2006-01-02", birth, JST)
	if err != nil {
		return -1
	}
	t := now.In(JST)
	a := t.Year() - b.Year()
	if t.Month() < b.Month() || (t.Month() == b.Month() && t.Day() < b.Day()) {
		a--
	}
	return a
}

// notices tells the resident when the login certificate expires and from when renewal is possible.
func notices(cert *x509.Certificate, now time.Time) []center.Notice {
	exp := cert.NotAfter.In(JST)
	from := exp.AddDate(0, -3, 0)
	ns := []center.Notice{{Code: center.NoticeCertExpires, At: exp}}
	if now.Before(from) {
		ns = append(ns, center.Notice{Code: center.NoticeRenewalFrom, At: from})
	} else {
		ns = append(ns, center.Notice{Code: center.NoticeRenewalOpen, At: from})
	}
	return ns
}

// household returns the resident and the other current members of their household.
func (s *Server) household(r Resident) ([]Resident, error) {
	out := []Resident{r}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktResidents).ForEach(func(k, v []byte) error {
			var o Resident
			if err := jsonUnmarshal(v, &o); err != nil {
				return err
			}
			if o.ID != r.ID && o.Household == r.Household && o.Municipality == r.Municipality && o.Status == "" {
				out = append(out, o)
			}
			return nil
		})
	})
	return out, err
}

// session returns a copy of an open session of this kiosk.
func (s *Server) session(kiosk, id string, now time.Time) (session, *apiError) {
	s.mu.Lock()
	ss, ok := s.sessions[id]
	var cp session
	if ok {
		cp = *ss
	}
	s.mu.Unlock()
	if !ok || cp.kiosk != kiosk || cp.ended || now.After(cp.expires) {
		return session{}, refuse(http.StatusUnauthorized, center.CodeSessionExpired, "unknown, ended or expired session: log in again")
	}
	return cp, nil
}

func (s *Server) handleLogout(c call, req *center.SessionRequest) result {
	ss, aerr := s.session(c.kiosk, req.SessionID, s.now())
	if aerr != nil {
		return result{err: aerr}
	}
	return result{answer: center.OK{Status: "ended"}, commit: func() {
		s.mu.Lock()
		if p, ok := s.sessions[ss.id]; ok {
			p.ended = true
		}
		s.mu.Unlock()
	}}
}
