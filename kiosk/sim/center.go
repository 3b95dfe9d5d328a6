package sim

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/jpki/pinreset"
)

// Resident is a made-up resident the simulated center knows, by the digest of their certificates.
type Resident struct {
	Name, Address      string
	AuthCert, SigCert  [32]byte
	Municipality       kiosk.Municipality
	Catalog            []kiosk.Offer
	Members            []kiosk.Member
	Refusal            string // login is refused with this code
	KosekiRegistration bool
	Reservation        *kiosk.Reservation
}

// DemoCatalog is a municipality's catalog: 住民票 with options and members, 印鑑, a tax
// certificate and 戸籍 (not yet available: registration required).
func DemoCatalog() []kiosk.Offer {
	return []kiosk.Offer{
		{Type: document.TypeJuminhyo, Fee: 200, MaxCopies: 5, PerPerson: true, Available: true,
			Options: []string{document.OptHouseholdHead, document.OptHonseki}},
		{Type: document.TypeInkan, Fee: 200, MaxCopies: 5, Available: true},
		{Type: document.TypeShotoku, Fee: 300, MaxCopies: 3, Available: true},
		{Type: document.TypeKosekiZenbu, Fee: 350, MaxCopies: 3, Refusal: "koseki_registration_required"},
	}
}

// Center is a simulated issuing center behind kiosk.Center. It seals real Ed25519 envelopes bound
// to the session that asks, and can be told to misbehave.
type Center struct {
	mu         sync.Mutex
	KeyID      string
	Key        ed25519.PrivateKey
	Master     []byte // PIN-reset issuer master key
	residents  map[[32]byte]*Resident
	challenges map[string][]byte
	sessions   map[string]*session
	seq        int
	now        func() time.Time

	// Failure knobs.
	Down      bool              // every call: ErrCenterDown
	Garbage   bool              // every call: ErrCenterGarbage
	Hang      bool              // every call waits for its context (a slow center)
	Refuse    map[string]string // call name → refusal code
	CrossBind bool              // Issue binds the envelopes to another session (a broken center)
	BadSig    bool              // Issue signs with a key the kiosk does not know
	Issued    int               // envelopes sealed
}

type session struct {
	res     *Resident
	nonce   []byte
	cert    [32]byte
	purpose string
}

// NewCenter makes a center with a fresh municipality key and PIN-reset master key.
func NewCenter(now func() time.Time) (*Center, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sim center key: %w", err)
	}
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, fmt.Errorf("sim center master key: %w", err)
	}
	return &Center{KeyID: "sim-2026", Key: priv, Master: master, residents: map[[32]byte]*Resident{},
		challenges: map[string][]byte{}, sessions: map[string]*session{}, Refuse: map[string]string{}, now: now}, nil
}

// Keys is what the kiosk must hold to verify this center's envelopes.
func (c *Center) Keys() kiosk.KeyVerifier {
	return kiosk.KeyVerifier{c.KeyID: c.Key.Public().(ed25519.PublicKey)}
}

// Add registers a resident.
func (c *Center) Add(r *Resident) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.residents[r.AuthCert] = r
	c.residents[r.SigCert] = r
}

// Set changes the failure knobs under the lock.
func (c *Center) Set(f func(c *Center)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c)
}

// SessionBinding is the binding of a session this center opened.
func (c *Center) SessionBinding(id string) (kiosk.Binding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return kiosk.Binding{}, false
	}
	return kiosk.Binding{SessionID: id, Nonce: s.nonce, CertSHA256: s.cert}, true
}

func (c *Center) id(prefix string) string {
	c.seq++
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", prefix, c.seq, hex.EncodeToString(b[:]))
}

// enter applies the failure knobs; on success it returns with c.mu held.
func (c *Center) enter(ctx context.Context, call string) error {
	c.mu.Lock()
	hang := c.Hang
	c.mu.Unlock()
	if hang {
		<-ctx.Done()
		return fmt.Errorf("sim center %s: %w", call, ctx.Err())
	}
	c.mu.Lock()
	var err error
	switch {
	case c.Down:
		err = kiosk.ErrCenterDown
	case c.Garbage:
		err = kiosk.ErrCenterGarbage
	case c.Refuse[call] != "":
		err = &kiosk.RefusalError{Code: c.Refuse[call]}
	}
	if err != nil {
		c.mu.Unlock()
	}
	return err
}

// Challenge implements kiosk.Center.
func (c *Center) Challenge(ctx context.Context, purpose string) (kiosk.Challenge, error) {
	if err := c.enter(ctx, "challenge"); err != nil {
		return kiosk.Challenge{}, err
	}
	defer c.mu.Unlock()
	nonce := make([]byte, 32)
	if _, err := rand.Read(nonce); err != nil {
		return kiosk.Challenge{}, fmt.Errorf("sim center nonce: %w", err)
	}
	id := c.id("ch-" + purpose)
	c.challenges[id] = nonce
	return kiosk.Challenge{ID: id, Nonce: nonce}, nil
}

// Login implements kiosk.Center.
func (c *Center) Login(ctx context.Context, challengeID string, cert, signature []byte) (kiosk.Session, error) {
	if err := c.enter(ctx, "login"); err != nil {
		return kiosk.Session{}, err
	}
	defer c.mu.Unlock()
	nonce, ok := c.challenges[challengeID]
	delete(c.challenges, challengeID)
	if !ok {
		return kiosk.Session{}, &kiosk.RefusalError{Code: "challenge_expired"}
	}
	sum := sha256.Sum256(cert)
	r, ok := c.residents[sum]
	if !ok {
		return kiosk.Session{}, &kiosk.RefusalError{Code: "unknown_issuer"}
	}
	if !hmac.Equal(signature, Signature(sum, nonce)) {
		return kiosk.Session{}, &kiosk.RefusalError{Code: "bad_signature"}
	}
	if r.Refusal != "" {
		return kiosk.Session{}, &kiosk.RefusalError{Code: r.Refusal}
	}
	id := c.id("sess")
	c.sessions[id] = &session{res: r, nonce: nonce, cert: sum}
	s := kiosk.Session{ID: id, Municipality: r.Municipality, Catalog: slices.Clone(r.Catalog),
		Members: slices.Clone(r.Members), KosekiRegistration: r.KosekiRegistration}
	if r.Reservation != nil {
		res := *r.Reservation
		s.Reservation = &res
	}
	return s, nil
}

// Logout implements kiosk.Center.
func (c *Center) Logout(ctx context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, id)
	return nil
}

// Issue implements kiosk.Center: one sealed envelope per copy, bound to the asking session.
func (c *Center) Issue(ctx context.Context, req kiosk.IssueRequest) (kiosk.Issuance, error) {
	if err := c.enter(ctx, "issue"); err != nil {
		return kiosk.Issuance{}, err
	}
	defer c.mu.Unlock()
	s, ok := c.sessions[req.SessionID]
	if !ok {
		return kiosk.Issuance{}, &kiosk.RefusalError{Code: "session_expired"}
	}
	i := slices.IndexFunc(s.res.Catalog, func(o kiosk.Offer) bool { return o.Type == req.Type })
	if i < 0 {
		return kiosk.Issuance{}, &kiosk.RefusalError{Code: "type_not_offered"}
	}
	offer := s.res.Catalog[i]
	if !offer.Available {
		return kiosk.Issuance{}, &kiosk.RefusalError{Code: offer.Refusal}
	}
	bind := document.Binding{SessionID: req.SessionID, Nonce: s.nonce, UserAuthCertSHA256: s.cert[:]}
	if c.CrossBind {
		other := sha256.Sum256([]byte("someone else"))
		bind = document.Binding{SessionID: "sess-other", Nonce: other[:], UserAuthCertSHA256: other[:]}
	}
	key, keyID := c.Key, c.KeyID
	if c.BadSig {
		_, key, _ = ed25519.GenerateKey(rand.Reader)
	}
	iss := kiosk.Issuance{ID: c.id("iss"), Type: req.Type, FeePerCopy: offer.Fee, TotalFee: offer.Fee * req.Copies}
	for n := 1; n <= req.Copies; n++ {
		env, err := document.Seal(document.Content{
			IssuanceID: iss.ID, Type: req.Type, MunicipalityCode: s.res.Municipality.Code,
			MunicipalityName: s.res.Municipality.Name, AsOf: c.now(), IssuedAt: c.now(),
			CopyIndex: n, Copies: req.Copies, Options: req.Options,
			Header:  []document.Field{{Code: document.FieldAddress, Value: s.res.Address}},
			Persons: []document.Person{{Fields: []document.Field{{Code: document.FieldName, Value: s.res.Name}}}},
			Binding: bind,
		}, keyID, key)
		if err != nil {
			return kiosk.Issuance{}, fmt.Errorf("sim center seal: %w", err)
		}
		iss.Envelopes = append(iss.Envelopes, env)
		c.Issued++
	}
	return iss, nil
}

// RegisterKoseki implements kiosk.Center: 戸籍 items become available.
func (c *Center) RegisterKoseki(ctx context.Context, id string) ([]kiosk.Offer, error) {
	if err := c.enter(ctx, "koseki"); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return nil, &kiosk.RefusalError{Code: "session_expired"}
	}
	s.res.KosekiRegistration = false
	for i := range s.res.Catalog {
		if s.res.Catalog[i].Refusal == "koseki_registration_required" {
			s.res.Catalog[i].Available, s.res.Catalog[i].Refusal = true, ""
		}
	}
	return slices.Clone(s.res.Catalog), nil
}

// AuthorizeReset implements kiosk.Center with the pinreset stand-in MAC.
func (c *Center) AuthorizeReset(ctx context.Context, id, reservation string, pin kiosk.PINKind, ch []byte) (kiosk.ResetCommand, error) {
	if err := c.enter(ctx, "reset"); err != nil {
		return kiosk.ResetCommand{}, err
	}
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return kiosk.ResetCommand{}, &kiosk.RefusalError{Code: "session_expired"}
	}
	r := s.res.Reservation
	if r == nil || r.ID != reservation || r.PIN != pin {
		return kiosk.ResetCommand{}, &kiosk.RefusalError{Code: "reservation_not_found"}
	}
	s.res.Reservation = nil // one-time
	ref := byte(pinreset.RefSignaturePIN)
	if pin == kiosk.UserAuthPIN {
		ref = pinreset.RefAuthPIN
	}
	key := pinreset.CardKey(c.Master, s.res.AuthCert[:])
	return kiosk.ResetCommand{ID: c.id("reset"), Ref: ref, MAC: pinreset.MAC(key, ch, ref, s.res.AuthCert[:])}, nil
}
