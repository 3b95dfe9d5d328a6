package card

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/ebfe/scard"

	"certkiosk/kiosk/jpki"
)

// recorded replays a fixed exchange: each expected command and the answer to give.
type recorded struct {
	t     *testing.T
	steps []struct{ cmd, resp []byte }
	err   error
}

func (r *recorded) Transmit(cmd []byte) ([]byte, error) {
	if len(r.steps) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		r.t.Fatalf("unexpected command % X", cmd)
	}
	s := r.steps[0]
	r.steps = r.steps[1:]
	if !bytes.Equal(cmd, s.cmd) {
		r.t.Fatalf("command % X, want % X", cmd, s.cmd)
	}
	return s.resp, nil
}

func (r *recorded) add(cmd, resp []byte) *recorded {
	r.steps = append(r.steps, struct{ cmd, resp []byte }{cmd, resp})
	return r
}

func TestT0GetResponse(t *testing.T) {
	r := (&recorded{t: t}).
		add([]byte{0x80, 0x2A, 0x00, 0x97, 0x02, 0x01, 0x02, 0x00}, []byte{0x61, 0x04}).
		add([]byte{0x00, 0xC0, 0x00, 0x00, 0x04}, []byte{1, 2, 3, 4, 0x61, 0x02}).
		add([]byte{0x00, 0xC0, 0x00, 0x00, 0x02}, []byte{5, 6, 0x90, 0x00})
	got, err := transmit(r, []byte{0x80, 0x2A, 0x00, 0x97, 0x02, 0x01, 0x02, 0x00})
	if err != nil || !bytes.Equal(got, []byte{1, 2, 3, 4, 5, 6, 0x90, 0x00}) {
		t.Fatalf("got % X, %v", got, err)
	}
	if len(r.steps) != 0 {
		t.Fatal("not every recorded step was used")
	}
}

func TestT0WrongLe(t *testing.T) {
	for _, tc := range []struct{ cmd, again []byte }{
		{[]byte{0x00, 0xB0, 0x86, 0x00, 0x00}, []byte{0x00, 0xB0, 0x86, 0x00, 0x20}},                   // case 2
		{[]byte{0x00, 0x84, 0x00, 0x00}, []byte{0x00, 0x84, 0x00, 0x00, 0x20}},                         // case 1
		{[]byte{0x80, 0x2A, 0x00, 0x97, 0x01, 0xAA}, []byte{0x80, 0x2A, 0x00, 0x97, 0x01, 0xAA, 0x20}}, // case 3
		{[]byte{0x80, 0x2A, 0x00, 0x97, 0x01, 0xAA, 0x00}, []byte{0x80, 0x2A, 0x00, 0x97, 0x01, 0xAA, 0x20}},
	} {
		r := (&recorded{t: t}).add(tc.cmd, []byte{0x6C, 0x20}).add(tc.again, []byte{7, 0x90, 0x00})
		got, err := transmit(r, tc.cmd)
		if err != nil || !bytes.Equal(got, []byte{7, 0x90, 0x00}) {
			t.Fatalf("% X: got % X, %v", tc.cmd, got, err)
		}
	}
	// Extended commands are never rewritten: 6Cxx goes up to jpki, which falls back.
	r := (&recorded{t: t}).add([]byte{0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00}, []byte{0x6C, 0x00})
	if got, _ := transmit(r, []byte{0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00}); !bytes.Equal(got, []byte{0x6C, 0x00}) {
		t.Fatalf("extended 6C00 rewritten: % X", got)
	}
}

func TestEndlessGetResponse(t *testing.T) {
	r := &recorded{t: t}
	r.add([]byte{0x00, 0x84, 0x00, 0x00, 0x08}, []byte{0x61, 0x01})
	for i := 0; i < maxGetResponse; i++ {
		r.add([]byte{0x00, 0xC0, 0x00, 0x00, 0x01}, []byte{0xEE, 0x61, 0x01})
	}
	if _, err := transmit(r, []byte{0x00, 0x84, 0x00, 0x00, 0x08}); !errors.Is(err, jpki.ErrMalformed) {
		t.Fatalf("endless chain: %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	for in, want := range map[error]error{
		scard.ErrNoService:                              ErrNoService,
		scard.ErrServiceStopped:                         ErrNoService,
		scard.ErrNoReadersAvailable:                     ErrNoReader,
		scard.ErrReaderUnavailable:                      ErrNoReader,
		scard.ErrNoSmartcard:                            ErrNoCard,
		scard.ErrRemovedCard:                            jpki.ErrCardRemoved,
		scard.ErrResetCard:                              jpki.ErrCardRemoved,
		scard.ErrUnresponsiveCard:                       ErrMute,
		fmt.Errorf("wrapped: %w", scard.ErrRemovedCard): jpki.ErrCardRemoved,
	} {
		if got := mapErr("op", in); !errors.Is(got, want) {
			t.Errorf("mapErr(%v) = %v, want %v", in, got, want)
		}
	}
	r := &recorded{t: t, err: scard.ErrRemovedCard}
	if _, err := transmit(r, []byte{0x00, 0xB0, 0x8A, 0x00, 0x00}); !errors.Is(err, jpki.ErrCardRemoved) {
		t.Fatalf("removed card during transmit: %v", err)
	}
}

func TestMatchReader(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"*", "Virtual PCD 00 00", true},
		{"*PaSoRi*", "Sony FeliCa Port/PaSoRi 4.0 00 00", true},
		{"*PaSoRi*", "Virtual PCD 00 00", false},
		{"Virtual PCD 00 00", "Virtual PCD 00 00", true},
		{"Virtual*", "Virtual PCD 00 00", true},
		{"*00 01", "Virtual PCD 00 00", false},
		{"*PaSoRi*00", "Sony FeliCa Port/PaSoRi 4.0 00 00", true},
		{"ab*ba", "aba", false}, // prefix and suffix may not overlap
	} {
		if got := MatchReader(tc.pattern, tc.name); got != tc.want {
			t.Errorf("MatchReader(%q, %q) = %v", tc.pattern, tc.name, got)
		}
	}
}
