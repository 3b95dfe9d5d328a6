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

// minCredentialLen keeps a technician credential out of guessing range even with few attempts;
// maxCredentialLen is what the screen's staff keypad takes (A–Z and 0–9).
const minCredentialLen, maxCredentialLen = 12, 16

func hashCredential(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hash-credential", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
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
	if len(cred) < minCredentialLen || len(cred) > maxCredentialLen {
		return fmt.Errorf("credential must be %d to %d characters", minCredentialLen, maxCredentialLen)
	}
	for _, c := range cred {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return errors.New("credential must be capital letters A-Z and digits 0-9 only: the kiosk's staff keypad types nothing else")
		}
	}
	h, err := config.HashTechnicianCredential(cred)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "technician_hash = %q\n", h)
	return nil
}
