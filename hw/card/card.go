package card

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"certkiosk/kiosk/jpki"
)

// Errors a technician or the kiosk acts on.
var (
	ErrNoService = errors.New("card reader service (pcscd) is not running")
	ErrNoReader  = errors.New("no card reader attached")
	ErrNoCard    = errors.New("no card in the reader")
	ErrMute      = errors.New("the card does not answer (inserted the wrong way, or not a smart card)")
)

// mapErr turns a PC/SC error into one of this package's (or jpki.ErrCardRemoved), keeping the
// original for the log.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var se scard.Error
	if errors.As(err, &se) {
		switch se {
		case scard.ErrNoService, scard.ErrServiceStopped, scard.ErrShutdown:
			return fmt.Errorf("%s: %w (%v)", op, ErrNoService, se)
		case scard.ErrNoReadersAvailable, scard.ErrUnknownReader, scard.ErrReaderUnavailable:
			return fmt.Errorf("%s: %w (%v)", op, ErrNoReader, se)
		case scard.ErrNoSmartcard:
			return fmt.Errorf("%s: %w (%v)", op, ErrNoCard, se)
		case scard.ErrRemovedCard, scard.ErrResetCard:
			return fmt.Errorf("%s: %w (%v)", op, jpki.ErrCardRemoved, se)
		case scard.ErrUnpoweredCard, scard.ErrUnresponsiveCard, scard.ErrInvalidAtr:
			return fmt.Errorf("%s: %w (%v)", op, ErrMute, se)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Readers lists the attached readers. No reader is an empty list, not an error.
func Readers() ([]string, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, mapErr("list readers", err)
	}
	defer ctx.Release()
	rs, err := ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("list readers", err)
	}
	return rs, nil
}

// PickReader returns the first reader whose name contains pattern (all readers when empty).
func PickReader(pattern string) (string, error) {
	rs, err := Readers()
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if strings.Contains(r, pattern) {
			return r, nil
		}
	}
	if len(rs) == 0 {
		return "", ErrNoReader
	}
	return "", fmt.Errorf("%w matching %q (have %q)", ErrNoReader, pattern, rs)
}

// MatchReader reports whether a reader's name matches a configured pattern, where "*" stands
// for any run of characters, slashes included ("Sony FeliCa Port/PaSoRi 4.0 00 00" matches
// "*PaSoRi*"; path.Match would stop at the slash). Every other character matches itself.
func MatchReader(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, last)
}

// FindReader returns the first attached reader whose name matches pattern (MatchReader).
func FindReader(pattern string) (string, error) {
	rs, err := Readers()
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if MatchReader(pattern, r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w matching %q (attached: %q)", ErrNoReader, pattern, rs)
}

// transmitter is the part of *scard.Card that Conn's protocol handling needs; tests replace it.
type transmitter interface {
	Transmit(cmd []byte) ([]byte, error)
}

// Conn is a connection to the card in one reader. It implements jpki.Transport. It is safe for
// use by one goroutine at a time; a mutex keeps misuse from interleaving APDUs.
type Conn struct {
	mu     sync.Mutex
	ctx    *scard.Context
	card   *scard.Card
	tx     transmitter
	reader string
	atr    []byte
	proto  scard.Protocol
}

// Connect opens its own PC/SC context and connects to the card in reader, T=1 or T=0.
func Connect(reader string) (*Conn, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, mapErr("connect", err)
	}
	c, err := ctx.Connect(reader, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		ctx.Release()
		return nil, mapErr("connect to "+reader, err)
	}
	conn := &Conn{ctx: ctx, card: c, tx: c, reader: reader, proto: c.ActiveProtocol()}
	if st, err := c.Status(); err == nil {
		conn.atr = st.Atr
	}
	return conn, nil
}

// Reader names the reader; ATR is the card's answer to reset; Protocol is "T=0" or "T=1".
func (c *Conn) Reader() string { return c.reader }
func (c *Conn) ATR() []byte    { return append([]byte{}, c.atr...) }
func (c *Conn) Protocol() string {
	switch c.proto {
	case scard.ProtocolT0:
		return "T=0"
	case scard.ProtocolT1:
		return "T=1"
	}
	return "unknown"
}

// Transmit sends one command APDU and returns the whole answer, data then SW1 SW2.
func (c *Conn) Transmit(cmd []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tx == nil {
		return nil, errors.New("transmit: connection closed")
	}
	resp, err := transmit(c.tx, cmd)
	if errors.Is(err, scard.ErrProtoMismatch) && c.card != nil {
		// Right after a reset (the previous user's disconnect) pcscd can still be settling the
		// protocol: connect again on the same handle and send the command once more.
		if rerr := c.card.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.LeaveCard); rerr == nil {
			c.proto = c.card.ActiveProtocol()
			resp, err = transmit(c.tx, cmd)
		}
	}
	if err == nil && len(resp) < 2 && c.card != nil && c.gone() {
		// vpcd (and some readers) answer an exchange that lost its card with nothing at all.
		return nil, fmt.Errorf("transmit: %w (empty answer)", jpki.ErrCardRemoved)
	}
	return resp, err
}

// gone reports whether the card has left the reader, giving the reader driver a moment to notice.
func (c *Conn) gone() bool {
	for i := 0; i < 20; i++ {
		st, err := c.card.Status()
		if err != nil || st.State&scard.Present == 0 {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// maxGetResponse bounds GET RESPONSE chaining: 64 KiB in 256-byte pieces.
const maxGetResponse = 256

// transmit does one exchange with T=0's conventions applied: 6Cxx resends with Le = xx,
// 61xx fetches the rest with GET RESPONSE.
func transmit(tx transmitter, cmd []byte) ([]byte, error) {
	resp, err := tx.Transmit(cmd)
	if err != nil {
		return nil, mapErr("transmit", err)
	}
	if len(resp) < 2 {
		return resp, nil // jpki reports the malformed answer
	}
	if resp[len(resp)-2] == 0x6C && isShort(cmd) {
		if resp, err = tx.Transmit(withLe(cmd, resp[len(resp)-1])); err != nil {
			return nil, mapErr("transmit", err)
		}
	}
	var data []byte
	for i := 0; len(resp) >= 2 && resp[len(resp)-2] == 0x61; i++ {
		if i == maxGetResponse {
			return nil, fmt.Errorf("transmit: %w: endless GET RESPONSE chain", jpki.ErrMalformed)
		}
		data = append(data, resp[:len(resp)-2]...)
		if resp, err = tx.Transmit([]byte{0x00, 0xC0, 0x00, 0x00, resp[len(resp)-1]}); err != nil {
			return nil, mapErr("get response", err)
		}
	}
	if data != nil {
		resp = append(data, resp...)
	}
	return resp, nil
}

// isShort reports whether cmd is a short APDU.
func isShort(cmd []byte) bool {
	return len(cmd) == 4 || len(cmd) == 5 || (len(cmd) > 5 && cmd[4] != 0)
}

// withLe returns a copy of the short command cmd with its Le set to le (added when absent).
func withLe(cmd []byte, le byte) []byte {
	switch {
	case len(cmd) == 4: // case 1
		return append(append([]byte{}, cmd...), le)
	case len(cmd) == 5: // case 2
		return append(append([]byte{}, cmd[:4]...), le)
	case len(cmd) == 5+int(cmd[4]): // case 3
		return append(append([]byte{}, cmd...), le)
	}
	return append(append([]byte{}, cmd[:len(cmd)-1]...), le) // case 4
}

// Close resets the card (which forgets every verified PIN) and releases the context.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.card == nil {
		return nil
	}
	err := c.card.Disconnect(scard.ResetCard)
	c.ctx.Release()
	c.card, c.tx = nil, nil
	if err != nil && !errors.Is(err, scard.ErrRemovedCard) && !errors.Is(err, scard.ErrNoSmartcard) {
		return mapErr("disconnect", err)
	}
	return nil
}

// Present reports whether a card that answers is in reader now.
func Present(reader string) (bool, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return false, mapErr("card present", err)
	}
	defer ctx.Release()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	if err := ctx.GetStatusChange(rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return false, mapErr("card present", err)
	}
	st := rs[0].EventState
	if st&(scard.StateUnknown|scard.StateUnavailable) != 0 {
		return false, ErrNoReader
	}
	return st&scard.StatePresent != 0 && st&scard.StateMute == 0, nil
}
