package card_test

import (
	"crypto/sha256"
	"testing"

	"certkiosk/hw/card"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/kiosk/jpki"
)

// BenchmarkPCSCLogin measures a whole login (select, read the user-auth certificate, tries,
// verify, sign) through pcscd and vpcd, extended and short-only. The simulated card's RSA is most
// of the time; APDUs/login is the number to compare with jpki/myna (14) and OpenSC (39).
func BenchmarkPCSCLogin(b *testing.B) {
	env := pcsctest.Start(b)
	env.Plug(b, testCard(b, nil), 0)
	conn, err := card.Connect(pcsctest.Reader(0))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range []struct {
		name string
		o    *jpki.Opts
	}{{"extended", nil}, {"short", &jpki.Opts{ShortOnly: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			for i := 0; i < b.N; i++ {
				a, err := jpki.Open(conn, tc.o)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := a.ReadUserAuthCert(); err != nil {
					b.Fatal(err)
				}
				if _, err := a.Tries(jpki.AuthPINRef); err != nil {
					b.Fatal(err)
				}
				p, _ := jpki.NewAuthPIN([]byte("1234"))
				if err := a.Verify(p); err != nil {
					b.Fatal(err)
				}
				d := sha256.Sum256([]byte{byte(i)})
				if _, err := a.Sign(jpki.UserAuthKey, jpki.DigestInfoSHA256(d)); err != nil {
					b.Fatal(err)
				}
				n = a.APDUs()
			}
			b.ReportMetric(float64(n), "APDUs/login")
		})
	}
}
