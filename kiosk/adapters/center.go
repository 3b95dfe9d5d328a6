package adapters

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"certkiosk/kiosk"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/outbox/httpdeliver"
)

// Center is the machine's Center port over the center client (HTTPS with mutual TLS).
type Center struct {
	Client *center.Client
}

// key returns a fresh idempotency key for a call the machine does not key itself.
func key(prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// centerErr maps the client's errors onto the machine's: a refusal keeps its code.
func centerErr(err error) error {
	var re *center.RefusalError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return &kiosk.RefusalError{Code: re.Code}
	case errors.Is(err, center.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", kiosk.ErrCenterTimeout, err)
	case errors.Is(err, center.ErrBadResponse):
		return fmt.Errorf("%w: %v", kiosk.ErrCenterGarbage, err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("%w: %v", kiosk.ErrCenterDown, err)
}

// Challenge implements kiosk.Center.
func (c *Center) Challenge(ctx context.Context, purpose string) (kiosk.Challenge, error) {
	ch, err := c.Client.Challenge(ctx, key("ch"), purpose)
	if err != nil {
		return kiosk.Challenge{}, centerErr(err)
	}
	return kiosk.Challenge{ID: ch.ChallengeID, Nonce: ch.Nonce}, nil
}

// perPerson reports whether the resident chooses household members for a type.
func perPerson(typ string) bool {
	return typ == document.TypeJuminhyo || typ == document.TypeJuminhyoKisai
}

func offers(items []center.CatalogItem) []kiosk.Offer {
	out := make([]kiosk.Offer, 0, len(items))
	for _, it := range items {
		out = append(out, kiosk.Offer{Type: it.Type, Options: it.Options, Fee: it.Fee, MaxCopies: it.MaxCopies,
			PerPerson: perPerson(it.Type), Available: it.Available, Refusal: it.Refusal})
	}
	return out
}

// Login implements kiosk.Center.
func (c *Center) Login(ctx context.Context, challengeID string, cert, signature []byte) (kiosk.Session, error) {
	s, err := c.Client.Login(ctx, key("login"), center.LoginRequest{ChallengeID: challengeID, Certificate: cert, Signature: signature})
	if err != nil {
		return kiosk.Session{}, centerErr(err)
	}
	out := kiosk.Session{
		ID:           s.SessionID,
		Municipality: kiosk.Municipality{Code: s.Municipality.Code, Name: s.Municipality.Name},
		Catalog:      offers(s.Catalog),
	}
	for _, m := range s.Members {
		out.Members = append(out.Members, kiosk.Member{ID: m.MemberID, Name: m.Name, Relationship: m.Relationship, Self: m.Self})
	}
	for _, n := range s.Notices {
		out.Notices = append(out.Notices, kiosk.Notice{Code: n.Code, At: n.At})
	}
	for _, it := range s.Catalog {
		if !it.Available && it.Refusal == "koseki_registration_required" {
			out.KosekiRegistration = true
		}
	}
	if r := s.Reservation; r != nil {
		pin := kiosk.SignaturePIN
		if r.PIN == center.CertAuth {
			pin = kiosk.UserAuthPIN
		}
		out.Reservation = &kiosk.Reservation{ID: r.ReservationID, PIN: pin, Expires: r.Expires}
	}
	return out, nil
}

// Logout implements kiosk.Center.
func (c *Center) Logout(ctx context.Context, sessionID string) error {
	return centerErr(c.Client.Logout(ctx, key("logout"), sessionID))
}

// Issue implements kiosk.Center; the machine's idempotency key makes a retry return the same
// issuance.
func (c *Center) Issue(ctx context.Context, req kiosk.IssueRequest) (kiosk.Issuance, error) {
	iss, err := c.Client.Issue(ctx, req.IdempotencyKey, center.IssueRequest{SessionID: req.SessionID, Type: req.Type,
		Options: req.Options, Members: req.Members, Copies: req.Copies})
	if err != nil {
		return kiosk.Issuance{}, centerErr(err)
	}
	return kiosk.Issuance{ID: iss.IssuanceID, Type: iss.Type, FeePerCopy: iss.FeePerCopy, TotalFee: iss.TotalFee,
		Envelopes: iss.Envelopes}, nil
}

// RegisterKoseki implements kiosk.Center.
func (c *Center) RegisterKoseki(ctx context.Context, sessionID string) ([]kiosk.Offer, error) {
	r, err := c.Client.RegisterKoseki(ctx, key("koseki"), sessionID)
	if err != nil {
		return nil, centerErr(err)
	}
	return offers(r.Catalog), nil
}

// AuthorizeReset implements kiosk.Center.
func (c *Center) AuthorizeReset(ctx context.Context, sessionID, reservationID string, pin kiosk.PINKind, cardChallenge []byte) (kiosk.ResetCommand, error) {
	name := center.CertSignature
	if pin == kiosk.UserAuthPIN {
		name = center.CertAuth
	}
	cmd, err := c.Client.AuthorizePINReset(ctx, key("reset"), center.PINResetRequest{SessionID: sessionID,
		ReservationID: reservationID, PIN: name, CardChallenge: cardChallenge})
	if err != nil {
		return kiosk.ResetCommand{}, centerErr(err)
	}
	return kiosk.ResetCommand{ID: cmd.ResetID, Ref: cmd.Ref, MAC: cmd.MAC}, nil
}

// Deliverer hands outbox records to the center client (POST /v1/records); a refusal is
// permanent (the client's RefusalError says so) and the outbox moves the record to its dead
// letters.
type Deliverer struct {
	Client *center.Client
}

// Deliver implements outbox.Deliverer.
func (d Deliverer) Deliver(ctx context.Context, r outbox.Record) error {
	return d.Client.DeliverRecord(ctx, string(r.Kind), string(r.Key), r.Created, httpdeliver.CenterPayload(r))
}

// DeliverBatch implements outbox.BatchDeliverer: the records in one POST /v1/records/batch, one
// commit at the center. A refused record comes back as a permanent *center.RefusalError.
func (d Deliverer) DeliverBatch(ctx context.Context, rs []outbox.Record) ([]error, error) {
	recs := make([]center.Record, len(rs))
	for i, r := range rs {
		recs[i] = center.Record{Kind: string(r.Kind), Key: string(r.Key), Created: r.Created, Payload: httpdeliver.CenterPayload(r)}
	}
	// The batch's own key: what it carries is idempotent record by record.
	res, err := d.Client.DeliverRecords(ctx, fmt.Sprintf("%s.b%d", rs[0].Key, len(rs)), recs)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(rs))
	for i, r := range res {
		if r.Status == "refused" {
			errs[i] = &center.RefusalError{Status: 422, Code: r.Code, Message: r.Message}
		}
	}
	return errs, nil
}
