package jpkisim

import (
	"fmt"
	"sync"

	"certkiosk/kiosk/jpki"
)

// Transport is an in-process card reader holding one Card: it implements jpki.Transport.
// Remove takes the card away (commands fail with jpki.ErrCardRemoved until Insert), and
// RemoveAfter takes it away in the middle of a conversation, for tests of removal mid-command.
type Transport struct {
	mu          sync.Mutex
	card        *Card
	removed     bool
	removeAfter int // remove when this many more commands have been answered; 0 = never
	trace       func(cmd, resp []byte)
}

// NewTransport puts card in an in-process reader.
func NewTransport(card *Card) *Transport { return &Transport{card: card} }

// Transmit sends one command APDU to the card.
func (t *Transport) Transmit(cmd []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.removed {
		return nil, fmt.Errorf("in-process reader: %w", jpki.ErrCardRemoved)
	}
	resp := t.card.Process(cmd)
	if t.trace != nil {
		t.trace(cmd, resp)
	}
	if t.removeAfter > 0 {
		t.removeAfter--
		if t.removeAfter == 0 {
			// The card left while answering: the reader never delivers the answer.
			t.removed = true
			t.card.Reset()
			return nil, fmt.Errorf("in-process reader: %w", jpki.ErrCardRemoved)
		}
	}
	return resp, nil
}

// Remove takes the card out of the reader; the card loses its session state.
func (t *Transport) Remove() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removed = true
	t.card.Reset()
}

// Insert puts the card back.
func (t *Transport) Insert() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removed, t.removeAfter = false, 0
}

// RemoveAfter makes the n-th next command lose the card before its answer arrives.
func (t *Transport) RemoveAfter(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removeAfter = n
}

// Trace calls f with every command and answer (tests only: VERIFY carries the PIN).
func (t *Transport) Trace(f func(cmd, resp []byte)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.trace = f
}
