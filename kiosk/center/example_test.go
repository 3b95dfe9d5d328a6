package center_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/document"
)

// A kiosk's login and issuance. signDigestInfo stands for the card: VERIFY the 4-digit PIN, then
// COMPUTE DIGITAL SIGNATURE over the SHA-256 DigestInfo of the login message.
func Example() {
	cr, err := center.LoadCredentials("/etc/kiosk/center")
	if err != nil {
		fmt.Println(err)
		return
	}
	cl := center.NewClient("https://center.example:8443", cr.TLSConfig())
	ctx := context.Background()
	ch, err := cl.Challenge(ctx, center.NewKey(), center.PurposeIssue)
	if err != nil {
		fmt.Println("service down:", errors.Is(err, center.ErrUnavailable) || errors.Is(err, center.ErrTimeout))
		return
	}
	digest := sha256.Sum256(center.LoginMessage(ch.Nonce, cr.KioskID))
	authCert, sig := signDigestInfo(digest[:])
	s, err := cl.Login(ctx, center.NewKey(), center.LoginRequest{ChallengeID: ch.ChallengeID, Certificate: authCert, Signature: sig})
	var refusal *center.RefusalError
	if errors.As(err, &refusal) {
		fmt.Println("refused:", refusal.Code) // the UI shows the message for this code
		return
	}
	key := center.NewKey() // kept for retries of this one request
	iss, err := cl.Issue(ctx, key, center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo, Copies: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	certSum := sha256.Sum256(authCert)
	for _, env := range iss.Envelopes {
		c, err := env.Open(cr.DocumentKeys)
		if err == nil {
			err = c.CheckBinding(s.SessionID, ch.Nonce, certSum[:])
		}
		if err != nil {
			fmt.Println("never printed:", err) // void, refund, journal
			return
		}
	}
}

func signDigestInfo([]byte) (cert, sig []byte) { return nil, nil }
