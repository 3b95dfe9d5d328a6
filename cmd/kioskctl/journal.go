package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"certkiosk/kiosk/outbox"
)

func init() {
	register(command{
		name:    "journal",
		summary: "audit journal: verify | show | prune",
		run:     runJournal,
	})
}

func journalUsage(w io.Writer) {
	fmt.Fprint(w, `usage: kioskctl journal SUBCOMMAND [-db FILE] [flags]

  verify   walk the hash chain; name the first entry edited, removed or reordered
  show     print entries as JSON lines (-n N: the last N only)
  prune    remove entries older than -keep (e.g. 2160h), leaving a chained checkpoint

Default -db: `+defaultOutboxDB+`
`)
}

func runJournal(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		journalUsage(stderr)
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("journal "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultOutboxDB, "outbox file holding the journal")
	switch sub {
	case "verify":
		if err := fs.Parse(args); err != nil {
			return err
		}
		ob, err := openOutboxReadOnly(*db, 0)
		if err != nil {
			return err
		}
		defer ob.Close()
		rep, err := ob.Journal().Verify()
		if err != nil {
			return err
		}
		if rep.Entries == 0 {
			fmt.Fprintln(stdout, "journal OK: empty")
			return nil
		}
		fmt.Fprintf(stdout, "journal OK: %d entries, seq %d to %d, head hash %s\n", rep.Entries, rep.FirstSeq, rep.HeadSeq, rep.HeadHash)
		return nil
	case "show":
		n := fs.Int("n", 0, "show only the last N entries")
		if err := fs.Parse(args); err != nil {
			return err
		}
		ob, err := openOutboxReadOnly(*db, 0)
		if err != nil {
			return err
		}
		defer ob.Close()
		var entries []outbox.Entry
		if err := ob.Journal().Entries(func(e outbox.Entry) error {
			entries = append(entries, e)
			if *n > 0 && len(entries) > *n {
				entries = entries[1:]
			}
			return nil
		}); err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	case "prune":
		keep := fs.Duration("keep", 0, "keep entries younger than this (required, e.g. 2160h for 90 days)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *keep <= 0 {
			fmt.Fprintln(stderr, "journal prune: -keep DURATION is required")
			return errUsage
		}
		ob, err := outbox.Open(*db, &outbox.Options{MustExist: true})
		if err != nil {
			return err
		}
		defer ob.Close()
		if _, err := ob.Journal().Verify(); err != nil {
			return fmt.Errorf("not pruning a journal that does not verify: %w", err)
		}
		removed, err := ob.Journal().Prune(time.Now().Add(-*keep))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %d entries older than %s\n", removed, *keep)
		return nil
	default:
		fmt.Fprintf(stderr, "kioskctl journal: unknown subcommand %q\n", sub)
		journalUsage(stderr)
		return errUsage
	}
}
