package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/outbox/httpdeliver"
)

// defaultOutboxDB is where the firmware keeps its outbox and journal.
const defaultOutboxDB = "/var/lib/certkiosk/outbox.db"

func init() {
	register(command{
		name:    "outbox",
		summary: "offline outbox: status | drain | dump | requeue | move-aside",
		run:     runOutbox,
	})
}

func outboxUsage(w io.Writer) {
	fmt.Fprint(w, `usage: kioskctl outbox SUBCOMMAND [-db FILE] [flags]

  status      depth, age of the oldest record, dead letters, last delivery error
  dump        every pending record and dead letter as JSON lines (no personal data is stored)
  drain       deliver pending records now: -center URL [-cert FILE -key FILE -ca FILE]
  requeue     move dead letters back to the queue once the refusal is settled with the center
  move-aside  rename a corrupt outbox file to FILE.corrupt-TIME (refuses a good or locked file)

Default -db: `+defaultOutboxDB+`
`)
}

func runOutbox(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		outboxUsage(stderr)
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("outbox "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultOutboxDB, "outbox file")
	switch sub {
	case "status":
		asJSON := fs.Bool("json", false, "print JSON")
		capacity := fs.Int("capacity", outbox.DefaultCapacity, "the kiosk's configured outbox capacity")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return outboxStatus(*db, *capacity, *asJSON, stdout)
	case "dump":
		if err := fs.Parse(args); err != nil {
			return err
		}
		return outboxDump(*db, stdout)
	case "drain":
		center := fs.String("center", "", "center base URL (https://host:port)")
		cert := fs.String("cert", "", "kiosk client certificate (PEM) for mutual TLS")
		key := fs.String("key", "", "kiosk client key (PEM)")
		ca := fs.String("ca", "", "center CA certificate (PEM), pinned")
		timeout := fs.Duration("timeout", 30*time.Second, "timeout of one delivery")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *center == "" {
			fmt.Fprintln(stderr, "outbox drain: -center URL is required")
			return errUsage
		}
		return outboxDrain(*db, *center, *cert, *key, *ca, *timeout, stdout)
	case "requeue":
		if err := fs.Parse(args); err != nil {
			return err
		}
		ob, err := outbox.Open(*db, &outbox.Options{MustExist: true})
		if err != nil {
			return err
		}
		defer ob.Close()
		n, err := ob.RequeueDead()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "requeued %d dead letter(s)\n", n)
		return nil
	case "move-aside":
		if err := fs.Parse(args); err != nil {
			return err
		}
		dst, err := outbox.MoveAside(*db, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "moved %s to %s; the kiosk will start with an empty outbox\n", *db, dst)
		return nil
	default:
		fmt.Fprintf(stderr, "kioskctl outbox: unknown subcommand %q\n", sub)
		outboxUsage(stderr)
		return errUsage
	}
}

func openOutboxReadOnly(path string, capacity int) (*outbox.Outbox, error) {
	ob, err := outbox.Open(path, &outbox.Options{ReadOnly: true, Capacity: capacity})
	if errors.Is(err, outbox.ErrLocked) {
		return nil, fmt.Errorf("%w (is the kiosk running? stop it first)", err)
	}
	if errors.Is(err, outbox.ErrCorrupt) {
		return nil, fmt.Errorf("%w\nkeep a copy, then `kioskctl outbox move-aside -db %s`", err, path)
	}
	return ob, err
}

func outboxStatus(path string, capacity int, asJSON bool, w io.Writer) error {
	ob, err := openOutboxReadOnly(path, capacity)
	if err != nil {
		return err
	}
	defer ob.Close()
	st, err := ob.Stats()
	if err != nil {
		return err
	}
	now := time.Now()
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			File string `json:"file"`
			outbox.Stats
			OldestAgeSeconds float64 `json:"oldest_age_seconds"`
		}{path, st, st.OldestAge(now).Seconds()})
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339) + " (" + now.Sub(t).Round(time.Second).String() + " ago)"
	}
	fmt.Fprintf(w, "file:            %s\n", path)
	fmt.Fprintf(w, "pending:         %d\n", st.Pending)
	if st.Pending > 0 {
		fmt.Fprintf(w, "oldest:          %s\n", ts(st.Oldest))
	}
	fmt.Fprintf(w, "dead letters:    %d\n", st.Dead)
	fmt.Fprintf(w, "capacity:        %d (headroom %d)\n", st.Capacity, st.Headroom)
	if st.Headroom == 0 {
		fmt.Fprintln(w, "                 FULL: the kiosk takes no paid transactions")
	}
	fmt.Fprintf(w, "last delivered:  %s\n", ts(st.LastDeliveredAt))
	if st.LastError != "" {
		fmt.Fprintf(w, "last error:      %s: %s\n", ts(st.LastErrorAt), st.LastError)
	}
	fmt.Fprintf(w, "journal:         %d entries, head seq %d\n", st.JournalEntries, st.JournalHead)
	return nil
}

func outboxDump(path string, w io.Writer) error {
	ob, err := openOutboxReadOnly(path, 0)
	if err != nil {
		return err
	}
	defer ob.Close()
	enc := json.NewEncoder(w)
	if err := ob.Pending(func(seq uint64, r outbox.Record) error {
		return enc.Encode(struct {
			State string `json:"state"`
			Seq   uint64 `json:"seq"`
			outbox.Record
		}{"pending", seq, r})
	}); err != nil {
		return err
	}
	return ob.DeadLetters(func(d outbox.DeadLetter) error {
		return enc.Encode(struct {
			State string `json:"state"`
			outbox.DeadLetter
		}{"dead", d})
	})
}

func outboxDrain(path, center, cert, key, ca string, timeout time.Duration, w io.Writer) error {
	tlsCfg, err := httpdeliver.TLSConfig(cert, key, ca)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	ob, err := outbox.Open(path, &outbox.Options{MustExist: true})
	if errors.Is(err, outbox.ErrLocked) {
		return fmt.Errorf("%w (the kiosk's own sender is delivering; stop the kiosk to drain by hand)", err)
	}
	if err != nil {
		return err
	}
	defer ob.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, derr := ob.Drain(ctx, httpdeliver.New(center, client), outbox.SendOptions{AttemptTimeout: timeout})
	st, err := ob.Stats()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "delivered %d, refused %d (moved to dead letters); %d pending, %d dead letters\n",
		res.Delivered, res.Dead, st.Pending, st.Dead)
	if derr != nil {
		return fmt.Errorf("stopped: %w", derr)
	}
	return nil
}
