package kiosk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Ports is everything the Runner performs effects through.
type Ports struct {
	Card     Card
	Center   Center
	Verifier Verifier
	Printer  Printer
	Slips    SlipPrinter
	Cashbox  Cashbox
	Outbox   Outbox
	Journal  JournalWriter
	Clock    Clock
	Display  Display
	Speaker  Speaker
	// Maintainer and Credentials serve the technician; without them the maintenance screens
	// report that the part is not fitted and no credential is accepted.
	Maintainer  Maintainer
	Credentials Credentials
}

// Runner owns the State in one goroutine: it takes events from a channel, calls Step and performs
// the effects. Card, center, printer and cashbox calls run in their own goroutines and come back
// as events, so no call blocks the loop; records and journal lines are written in the loop, in
// order, before the next event is taken.
type Runner struct {
	p      Ports
	events chan Event
	done   chan struct{}
	state  State

	timer     Stopper
	txn       uint64
	txnCtx    context.Context
	txnCancel context.CancelFunc
	runCtx    context.Context
	wg        sync.WaitGroup

	observe func(e Event, s State, effs []Effect)
}

// NewRunner makes a runner with a fresh boot id (so transaction ids never repeat across runs).
func NewRunner(cfg Config, p Ports) (*Runner, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("boot id: %w", err)
	}
	if p.Clock == nil {
		p.Clock = SystemClock{}
	}
	return &Runner{
		p:      p,
		events: make(chan Event, 64),
		done:   make(chan struct{}),
		state:  NewState(cfg, hex.EncodeToString(b[:])),
	}, nil
}

// Observe sets a function called in the loop after each Step (tests, soak figures, the technician
// screen). Set it before Run.
func (r *Runner) Observe(f func(e Event, s State, effs []Effect)) { r.observe = f }

// Send hands an event to the machine (UI taps, keypad keys, card presence, coins, the maintenance
// key). It waits while the queue is full and returns false once the runner has stopped.
func (r *Runner) Send(e Event) bool {
	select {
	case <-r.done:
		return false
	default:
	}
	select {
	case r.events <- e:
		return true
	case <-r.done:
		return false
	}
}

// Run runs the machine until ctx ends. It returns after every call it started has returned.
func (r *Runner) Run(ctx context.Context) error {
	r.runCtx = ctx
	defer func() {
		// A PIN being typed when the kiosk stops does not outlive it.
		r.state.Tx.PIN.Zero()
		r.state.Tx.NewPIN.Zero()
		r.state.Tx.Again.Zero()
		close(r.done)
		if r.timer != nil {
			r.timer.Stop()
		}
		if r.txnCancel != nil {
			r.txnCancel()
		}
		r.wg.Wait()
	}()
	if r.p.Display != nil {
		r.p.Display.Render(r.state.View())
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-r.events:
			var effs []Effect
			r.state, effs = Step(r.state, e)
			for _, f := range effs {
				r.perform(f)
			}
			if r.observe != nil {
				r.observe(e, r.state, effs)
			}
		}
	}
}

// post delivers an answer unless the runner has stopped.
func (r *Runner) post(e Event) {
	select {
	case r.events <- e:
	case <-r.done:
	}
}

// ctxFor is the context of a transaction's requests; Abort cancels it.
func (r *Runner) ctxFor(txn uint64) context.Context {
	if r.txnCtx == nil || txn != r.txn {
		if r.txnCancel != nil {
			r.txnCancel()
		}
		r.txn = txn
		r.txnCtx, r.txnCancel = context.WithCancel(r.runCtx)
	}
	return r.txnCtx
}

// async runs call in its own goroutine with the transaction's context and posts its answer.
func (r *Runner) async(req Req, call func(ctx context.Context) Event) {
	ctx := r.ctxFor(req.Txn)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.post(call(ctx))
	}()
}

// background runs call outside any transaction: money and logouts are not cancelled by an abort.
func (r *Runner) background(call func(ctx context.Context)) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		call(r.runCtx)
	}()
}

func (r *Runner) perform(f Effect) {
	p := r.p
	switch f := f.(type) {
	case Render:
		if p.Display != nil {
			p.Display.Render(f.View)
		}
	case Cue:
		if p.Speaker != nil {
			p.Speaker.Cue(f.Key)
		}
	case Journal:
		if p.Journal != nil {
			if err := p.Journal.Append(f.Entry); err != nil {
				// An audit journal that cannot be written: out of service until a technician looks.
				r.background(func(context.Context) { r.post(ServiceChanged{Flag: FlagStorageFault, On: true}) })
			}
		}
	case OutboxAppend:
		if err := p.Outbox.Append(f.Record); err != nil {
			// The record could not be stored: no new transaction may start. A full outbox clears
			// when the sender has made room (adapters.OutboxGuard); anything else waits for a
			// technician. The journal says which record.
			flag := FlagStorageFault
			if errors.Is(err, ErrOutboxFull) {
				flag = FlagOutboxFull
			}
			if p.Journal != nil {
				_ = p.Journal.Append(JournalEntry{Severity: Alarm, Code: "outbox_append_failed",
					Txn: f.Record.Txn, Detail: fmt.Sprintf("%s %s issuance %s amount %d: %v",
						f.Record.Kind, f.Record.Key, f.Record.IssuanceID, f.Record.Amount, err)})
			}
			r.background(func(context.Context) { r.post(ServiceChanged{Flag: flag, On: true}) })
		}
	case StartTimer:
		if r.timer != nil {
			r.timer.Stop()
		}
		gen := f.Gen
		r.timer = p.Clock.AfterFunc(f.After, func() {
			select {
			case r.events <- TimerFired{Gen: gen}:
			case <-r.done:
			}
		})
	case CancelTimer:
		if r.timer != nil {
			r.timer.Stop()
			r.timer = nil
		}
	case Abort:
		if r.txnCancel != nil && r.txn == f.Txn {
			r.txnCancel()
			r.txnCtx, r.txnCancel = nil, nil
		}
	case ReadCard:
		r.async(f.Req, func(ctx context.Context) Event {
			info, err := p.Card.Read(ctx, f.PIN)
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return CardRead{Req: f.Req, Info: info, At: p.Clock.Now()}
		})
	case VerifyPIN:
		r.async(f.Req, func(ctx context.Context) Event {
			res, err := p.Card.Verify(ctx, f.PIN, f.Buffer.Bytes())
			f.Buffer.Zero() // the card has it: no copy stays in memory
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return PINVerified{Req: f.Req, Result: res}
		})
	case ReadCert:
		r.async(f.Req, func(ctx context.Context) Event {
			c, err := p.Card.ReadCert(ctx, f.Cert)
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return CertRead{Req: f.Req, Cert: c, At: p.Clock.Now()}
		})
	case SignChallenge:
		r.async(f.Req, func(ctx context.Context) Event {
			sig, err := p.Card.Sign(ctx, f.Key, f.Challenge)
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return ChallengeSigned{Req: f.Req, Signature: sig}
		})
	case GetResetChallenge:
		r.async(f.Req, func(ctx context.Context) Event {
			ch, err := p.Card.ResetChallenge(ctx)
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return ResetChallengeRead{Req: f.Req, Challenge: ch}
		})
	case ApplyReset:
		r.async(f.Req, func(ctx context.Context) Event {
			ok, sw, err := p.Card.ApplyReset(ctx, f.PIN, f.Command, f.NewPIN.Bytes())
			f.NewPIN.Zero()
			if err != nil {
				return cardFailed(f.Req, err)
			}
			return ResetApplied{Req: f.Req, OK: ok, SW: sw}
		})
	case GetChallenge:
		r.async(f.Req, func(ctx context.Context) Event {
			ch, err := p.Center.Challenge(ctx, f.Purpose)
			if err != nil {
				return centerFailed(f.Req, err)
			}
			return ChallengeIssued{Req: f.Req, Challenge: ch}
		})
	case Login:
		r.async(f.Req, func(ctx context.Context) Event {
			s, err := p.Center.Login(ctx, f.ChallengeID, f.Cert, f.Signature)
			if err != nil {
				return centerFailed(f.Req, err)
			}
			return LoggedIn{Req: f.Req, Session: s, At: p.Clock.Now()}
		})
	case Logout:
		r.background(func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = p.Center.Logout(ctx, f.SessionID) // the center expires sessions anyway
		})
	case Issue:
		r.async(f.Req, func(ctx context.Context) Event {
			iss, err := p.Center.Issue(ctx, f.Request)
			if err != nil {
				return centerFailed(f.Req, err)
			}
			return Issued{Req: f.Req, Issuance: iss}
		})
	case VerifyDocuments:
		r.async(f.Req, func(context.Context) Event {
			docs := make([]VerifiedDocument, 0, len(f.Envelopes))
			for i, env := range f.Envelopes {
				d, err := verifyDocument(p.Verifier, env, f.Binding)
				if err != nil {
					return DocumentsRejected{Req: f.Req, Reason: fmt.Sprintf("copy %d: %v", i+1, err)}
				}
				docs = append(docs, d)
			}
			return DocumentsVerified{Req: f.Req, Docs: docs}
		})
	case RegisterKoseki:
		r.async(f.Req, func(ctx context.Context) Event {
			cat, err := p.Center.RegisterKoseki(ctx, f.SessionID)
			if err != nil {
				return centerFailed(f.Req, err)
			}
			return KosekiRegistered{Req: f.Req, Catalog: cat}
		})
	case AuthorizeReset:
		r.async(f.Req, func(ctx context.Context) Event {
			cmd, err := p.Center.AuthorizeReset(ctx, f.SessionID, f.ReservationID, f.PIN, f.CardChallenge)
			if err != nil {
				return centerFailed(f.Req, err)
			}
			return ResetAuthorized{Req: f.Req, Command: cmd}
		})
	case AcceptMoney:
		if err := p.Cashbox.Accept(f.Due); err != nil {
			r.background(func(context.Context) { r.post(ServiceChanged{Flag: FlagCashboxFault, On: true}) })
		}
	case StopMoney:
		if err := p.Cashbox.Stop(); err != nil {
			r.background(func(context.Context) { r.post(ServiceChanged{Flag: FlagCashboxFault, On: true}) })
		}
	case PayOut:
		r.background(func(ctx context.Context) {
			// On error paid is what went out before it; Step records the rest as owed and
			// journals why.
			paid, err := p.Cashbox.PayOut(context.WithoutCancel(ctx), f.Amount)
			ans := PaidOut{Req: f.Req, Purpose: f.Purpose, Asked: f.Amount, Paid: paid}
			if err != nil {
				ans.Problem = err.Error()
			}
			r.post(ans)
		})
	case Print:
		r.async(f.Req, func(ctx context.Context) Event {
			if err := p.Printer.Print(ctx, f.Doc); err != nil {
				return printFailed(f.Req, err)
			}
			return PrintDone{Req: f.Req}
		})
	case CancelPrint:
		p.Printer.Cancel()
	case PrintSlip:
		if f.Req == (Req{}) {
			r.background(func(ctx context.Context) {
				if err := p.Slips.PrintSlip(ctx, f.Slip); err != nil {
					// The owed refund is in the outbox anyway; the slip printer needs a technician.
					r.post(ServiceChanged{Flag: FlagPrinterFault, On: true})
				}
			})
			return
		}
		r.async(f.Req, func(ctx context.Context) Event {
			if err := p.Slips.PrintSlip(ctx, f.Slip); err != nil {
				return Failed{Req: f.Req, Cause: CausePrinter}
			}
			return SlipPrinted{Req: f.Req, OK: true}
		})
	case Maintain:
		r.async(f.Req, func(ctx context.Context) Event {
			if p.Maintainer == nil {
				return Maintained{Req: f.Req, Action: f.Action, Report: MaintReport{
					Lines: []MaintLine{{Label: LabelBuild, Code: ValueNotFitted}}}}
			}
			return Maintained{Req: f.Req, Action: f.Action, Report: p.Maintainer.Maintain(ctx, f.Action)}
		})
	case CheckCredential:
		r.async(f.Req, func(context.Context) Event {
			ans := CredentialChecked{Req: f.Req}
			if p.Credentials == nil {
				ans.Problem = "no technician credential configured"
			} else if ok, err := p.Credentials.CheckCredential(f.Credential.Bytes()); err != nil {
				ans.Problem = err.Error() // a broken configured hash accepts nobody
			} else {
				ans.OK = ok
			}
			f.Credential.Zero()
			ans.At = p.Clock.Now()
			return ans
		})
	default:
		panic(fmt.Sprintf("kiosk: effect %T has no performer", f))
	}
}
