package kiosk

// Ledger is the money of one transaction. Every yen taken in is, by the end, spent on a printed
// copy, given back as change or refund, or owed (an outbox record and a slip, when the cashbox
// could not pay out). Pending is asked of the cashbox and not yet answered.
type Ledger struct {
	Due      int // fee of the issuance being paid for
	In       int // coins and bills taken
	Spent    int // fee of the copies printed
	Change   int // paid out as change
	Refunded int // paid out as refund
	Owed     int // could not be paid out: outbox record and slip
	Pending  int // payout asked for, answer not in yet
}

// Held is the money the kiosk holds for this transaction that is neither spent nor on its way
// back: at the end of a transaction it must be zero.
func (l Ledger) Held() int {
	return l.In - l.Spent - l.Change - l.Refunded - l.Owed - l.Pending
}

// Balanced reports whether every yen is accounted for and nothing is in flight.
func (l Ledger) Balanced() bool { return l.Held() == 0 && l.Pending == 0 }

// Totals are the kiosk's running money figures since start (not personal; for soak tests and
// the technician).
type Totals struct {
	In       int `json:"in"`
	Spent    int `json:"spent"`
	Change   int `json:"change"`
	Refunded int `json:"refunded"`
	Owed     int `json:"owed"`
}

// Balanced reports whether the running totals add up.
func (t Totals) Balanced() bool { return t.In == t.Spent+t.Change+t.Refunded+t.Owed }
