package jpkisim

import (
	"bytes"
	"testing"
)

func TestParseCommandCases(t *testing.T) {
	for _, tc := range []struct {
		in       []byte
		data     []byte
		ne       int
		extended bool
	}{
		{[]byte{0, 0x20, 0, 0x98}, nil, 0, false},
		{[]byte{0, 0xB0, 0x8A, 0, 0}, nil, 256, false},
		{[]byte{0, 0x20, 0, 0x98, 2, '1', '2'}, []byte("12"), 0, false},
		{[]byte{0x80, 0x2A, 0, 0x97, 1, 9, 0}, []byte{9}, 256, false},
		{[]byte{0, 0xB0, 0x8A, 0, 0, 0, 0}, nil, 65536, true},
		{[]byte{0, 0xB0, 0, 4, 0, 6, 0x1F}, nil, 0x61F, true},
		{[]byte{0x80, 0x2A, 0, 0x97, 0, 0, 1, 9, 0, 0}, []byte{9}, 65536, true},
	} {
		c, ok := parseCommand(tc.in)
		if !ok || !bytes.Equal(c.data, tc.data) || c.ne != tc.ne || c.extended != tc.extended {
			t.Errorf("parseCommand(% X) = %+v, %v", tc.in, c, ok)
		}
	}
	for _, bad := range [][]byte{{0, 1, 2}, {0, 0x20, 0, 0x98, 3, 1}, {0, 0xB0, 0, 0, 0, 0}, {0, 0x2A, 0, 0, 0, 0, 1, 9, 9}} {
		if _, ok := parseCommand(bad); ok {
			t.Errorf("parseCommand(% X) accepted", bad)
		}
	}
}

// FuzzProcess sends arbitrary bytes to the card, as anything on the vpcd socket could: the
// card must answer with a status word and never panic.
func FuzzProcess(f *testing.F) {
	p, err := GenerateProfile(GenOpts{ResetMaster: []byte("m")})
	if err != nil {
		f.Fatal(err)
	}
	c, err := New(p, nil)
	if err != nil {
		f.Fatal(err)
	}
	sel := append([]byte{0, 0xA4, 4, 0x0C, 10}, aid...)
	f.Add([]byte{0, 0xB0, 0x8A, 0, 0, 0, 0})
	f.Add([]byte{0x80, 0x2A, 0, 0x97, 1, 1, 0})
	f.Add([]byte{0x80, 0x2C, 0, 0x9B, 3, 1, 2, 3})
	f.Add([]byte{0, 0x20, 0, 0x98, 4, '1', '2', '3', '4'})
	f.Fuzz(func(t *testing.T, cmd []byte) {
		c.Process(sel)
		r := c.Process(cmd)
		if len(r) < 2 {
			t.Fatalf("answer % X has no status word", r)
		}
	})
}
