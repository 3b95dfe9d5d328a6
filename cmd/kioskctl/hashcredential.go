package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"certkiosk/kiosk/config"
)

func init() {
	register(command{
		name:    "hash-credential",
		summary: "read a technician credential on stdin, print its maintenance.technician_hash",
		run: func(args []string, stdout, stderr io.Writer) error {
			return hashCredential(args, os.Stdin, stdout, stderr)
		},
	})
}

// minCredentialLen keeps a technician credential out of guessing range even with few attempts.
const minCredentialLen = 12

func hashCredential(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hash-credential", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage // the flag package has printed the problem and the flags
	}
	if fs.NArg() > 0 {
		// never on the command line: it would land in the shell history and in ps
		fmt.Fprintln(stderr, "hash-credential: give the credential on stdin, not as an argument")
		return errUsage
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read credential: %w", err)
	}
	cred := strings.TrimRight(line, "\r\n")
	if len(cred) < minCredentialLen {
		return fmt.Errorf("credential shorter than %d characters", minCredentialLen)
	}
	h, err := config.HashTechnicianCredential(cred)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "technician_hash = %q\n", h)
	return nil
}
