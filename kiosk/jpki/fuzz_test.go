package jpki_test

import (
	"errors"
	"testing"

	"certkiosk/kiosk/jpki"
)

// FuzzReadCertificate feeds arbitrary card answers to the certificate reader: it must return a
// certificate or an error, never panic, loop or return a half-read object.
func FuzzReadCertificate(f *testing.F) {
	f.Add([]byte{0x30, 0x82, 0x00, 0x03, 1, 2, 3, 0x90, 0x00}, []byte{0x90, 0x00}, false)
	f.Add([]byte{0x30, 0x81, 0x80, 0x90, 0x00}, []byte{1, 2, 0x62, 0x82}, true)
	f.Add([]byte{0x67, 0x00}, []byte{0x30, 0x05, 0x90, 0x00}, false)
	f.Add([]byte{0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x90, 0x00}, []byte{}, false)
	f.Fuzz(func(t *testing.T, first, rest []byte, short bool) {
		answers := [][]byte{{0x90, 0x00}, first}
		for i := 0; i < 80; i++ {
			answers = append(answers, rest)
		}
		s := &scripted{answers: answers, err: errors.New("no more answers")}
		a, err := jpki.Open(s, &jpki.Opts{ShortOnly: short})
		if err != nil {
			t.Fatal(err)
		}
		c, raw, err := a.ReadUserAuthCert()
		if err == nil && (c == nil || len(raw) == 0) {
			t.Fatal("nil certificate without an error")
		}
		if err != nil && (c != nil || raw != nil) {
			t.Fatal("partial certificate returned with an error")
		}
		if len(s.sent) > 70 {
			t.Fatalf("%d commands for one certificate", len(s.sent))
		}
	})
}

// FuzzStatusWords checks every status word maps to an error or success without panicking, and
// that 63Cx never reports more tries than the nibble says.
func FuzzStatusWords(f *testing.F) {
	f.Add(byte(0x63), byte(0xC2))
	f.Add(byte(0x69), byte(0x84))
	f.Fuzz(func(t *testing.T, sw1, sw2 byte) {
		s := &scripted{answers: [][]byte{{0x90, 0x00}, {sw1, sw2}, {sw1, sw2}}}
		a, _ := jpki.Open(s, nil)
		n, err := a.Tries(jpki.AuthPINRef)
		if err == nil && (n < 0 || n > 15) {
			t.Fatalf("tries %d", n)
		}
		p, _ := jpki.NewAuthPIN([]byte("1234"))
		err = a.Verify(p)
		var pe *jpki.PINError
		if errors.As(err, &pe) && (pe.Remaining < 1 || pe.Remaining > 15) {
			t.Fatalf("PINError with %d tries", pe.Remaining)
		}
		if sw1 == 0x90 && sw2 == 0 && err != nil {
			t.Fatalf("9000 gave %v", err)
		}
	})
}
