package adapters

import (
	"context"
	"errors"
)

// ErrNoPayout: the cashbox takes money but cannot give it back.
var ErrNoPayout = errors.New("the coin unit has no payout: the amount is owed")

// AcceptorCashbox is the machine's Cashbox over a pulse coin acceptor without a payout hopper.
// Money comes in as MoneyIn events from the acceptor's driver. The acceptor has no inhibit line
// in this wiring, so Accept and Stop change nothing at the unit: a coin inserted outside payment
// reaches the machine, which gives it back. Every payout is refused with ErrNoPayout, so change
// and refunds become owed amounts (an outbox record and a slip the resident takes to the counter).
type AcceptorCashbox struct{}

// Accept implements kiosk.Cashbox.
func (AcceptorCashbox) Accept(int) error { return nil }

// Stop implements kiosk.Cashbox.
func (AcceptorCashbox) Stop() error { return nil }

// PayOut implements kiosk.Cashbox: nothing can be paid out.
func (AcceptorCashbox) PayOut(context.Context, int) (int, error) { return 0, ErrNoPayout }
