package card

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/ebfe/scard"
)

// EventKind says what changed.
type EventKind int

const (
	ReaderAdded EventKind = iota + 1
	ReaderRemoved
	CardInserted
	CardRemoved
	ServiceDown // pcscd stopped or is not running; the monitor keeps trying
	ServiceUp
)

func (k EventKind) String() string {
	return [...]string{"?", "reader-added", "reader-removed", "card-inserted", "card-removed", "service-down", "service-up"}[k]
}

// Event is one change in the readers or their cards.
type Event struct {
	Kind   EventKind
	Reader string
	ATR    []byte // CardInserted only
}

// pnpReader is pcsc-lite's pseudo-reader whose state changes when readers come and go.
const pnpReader = `\\?PnP?\Notification`

// Monitor follows readers and cards. It owns one PC/SC context, used only by Run's goroutine.
type Monitor struct {
	// Poll bounds each GetStatusChange wait, so Run notices ctx ending without SCardCancel.
	Poll time.Duration
	// Retry is the pause before establishing a context again after pcscd went away.
	Retry time.Duration
}

// Run sends events until ctx ends. On start it reports every reader and card already there.
func (m *Monitor) Run(ctx context.Context, events chan<- Event) error {
	poll, retry := m.Poll, m.Retry
	if poll <= 0 {
		poll = time.Second
	}
	if retry <= 0 {
		retry = 500 * time.Millisecond
	}
	send := func(e Event) bool {
		select {
		case events <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	known := map[string]scard.StateFlag{} // reader → last state
	down := false
	for ctx.Err() == nil {
		sc, err := scard.EstablishContext()
		if err != nil {
			if !down {
				down = true
				if !send(Event{Kind: ServiceDown}) {
					break
				}
			}
			sleep(ctx, retry)
			continue
		}
		if down {
			down = false
			if !send(Event{Kind: ServiceUp}) {
				sc.Release()
				break
			}
		}
		err = m.watch(ctx, sc, poll, known, send)
		sc.Release()
		if err != nil && ctx.Err() == nil {
			// The service went away under us: every reader is gone with it.
			for r := range known {
				if known[r]&scard.StatePresent != 0 {
					send(Event{Kind: CardRemoved, Reader: r})
				}
				send(Event{Kind: ReaderRemoved, Reader: r})
				delete(known, r)
			}
			down = true
			send(Event{Kind: ServiceDown})
			sleep(ctx, retry)
		}
	}
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// watch loops on GetStatusChange with one context until ctx ends (nil) or the service fails.
func (m *Monitor) watch(ctx context.Context, sc *scard.Context, poll time.Duration,
	known map[string]scard.StateFlag, send func(Event) bool) error {
	states := []scard.ReaderState{{Reader: pnpReader, CurrentState: scard.StateUnaware}}
	refresh := true
	for ctx.Err() == nil {
		if refresh {
			refresh = false
			readers, err := sc.ListReaders()
			if err != nil && !errors.Is(err, scard.ErrNoReadersAvailable) {
				return err
			}
			for r := range known {
				if !slices.Contains(readers, r) {
					if known[r]&scard.StatePresent != 0 {
						send(Event{Kind: CardRemoved, Reader: r})
					}
					send(Event{Kind: ReaderRemoved, Reader: r})
					delete(known, r)
				}
			}
			next := states[:1]
			for _, r := range readers {
				if _, ok := known[r]; !ok {
					known[r] = scard.StateUnaware
					send(Event{Kind: ReaderAdded, Reader: r})
				}
				next = append(next, scard.ReaderState{Reader: r, CurrentState: known[r]})
			}
			states = next
		}
		err := sc.GetStatusChange(states, poll)
		switch {
		case errors.Is(err, scard.ErrTimeout):
			continue
		case err != nil:
			return err
		}
		for i := range states {
			st := &states[i]
			if st.EventState&scard.StateChanged == 0 {
				continue
			}
			if i == 0 {
				refresh = true
				st.CurrentState = st.EventState &^ scard.StateChanged
				continue
			}
			if st.EventState&(scard.StateUnknown|scard.StateUnavailable) != 0 {
				refresh = true
				continue
			}
			was, now := known[st.Reader]&scard.StatePresent != 0, st.EventState&scard.StatePresent != 0
			mute := st.EventState&scard.StateMute != 0
			switch {
			case now && !was && !mute:
				send(Event{Kind: CardInserted, Reader: st.Reader, ATR: append([]byte{}, st.Atr...)})
			case !now && was:
				send(Event{Kind: CardRemoved, Reader: st.Reader})
			}
			if mute {
				known[st.Reader] = st.EventState &^ (scard.StateChanged | scard.StatePresent)
			} else {
				known[st.Reader] = st.EventState &^ scard.StateChanged
			}
			st.CurrentState = st.EventState &^ scard.StateChanged
		}
	}
	return nil
}

// WaitCard waits until a card is in a reader whose name contains pattern and returns the
// reader's name. It gives up with ctx.
func WaitCard(ctx context.Context, pattern string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan Event, 16)
	errc := make(chan error, 1)
	go func() { errc <- (&Monitor{Poll: 250 * time.Millisecond}).Run(ctx, events) }()
	var lastDown bool
	for {
		select {
		case e := <-events:
			switch e.Kind {
			case CardInserted:
				if pattern == "" || strings.Contains(e.Reader, pattern) {
					return e.Reader, nil
				}
			case ServiceDown:
				lastDown = true
			case ServiceUp:
				lastDown = false
			}
		case <-ctx.Done():
			<-errc
			if lastDown {
				return "", ErrNoService
			}
			return "", ErrNoCard
		}
	}
}
