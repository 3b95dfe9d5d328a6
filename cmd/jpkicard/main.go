// Command jpkicard is a simulated MyNumber card that plugs into pcscd through Debian's
// vsmartcard-vpcd driver: to every PC/SC client (the kiosk, kioskctl, OpenSC) it is a card in
// the reader "Virtual PCD 00 00".
//
//	jpkicard [-vpcd HOST:PORT] [-resident ID [-center-admin URL] | -profile FILE |
//	          -token card|android|iphone -pin PIN -sig-pin PIN]
//
// With -resident it fetches the card of a resident of a running centerd from its admin API;
// with -profile it loads one written by `centerd export-card`; otherwise it generates a test
// card with a fresh test CA. It reconnects when vpcd or pcscd
// restarts. Commands on standard input, or signals, take the card out and put it back:
// "remove" (SIGUSR1), "insert" (SIGUSR2), "status", "quit".
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center/server"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "jpkicard:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("jpkicard", flag.ContinueOnError)
	addr := fs.String("vpcd", jpkisim.DefaultVPCD, "vpcd `HOST:PORT` to plug into (the second reader is port 35964)")
	profile := fs.String("profile", "", "card profile `FILE` from centerd export-card (default: generate a test card)")
	resident := fs.String("resident", "", "fetch the card of this centerd demo resident `ID` (see centerd residents)")
	admin := fs.String("center-admin", "http://127.0.0.1:8444", "centerd admin API `URL` for -resident")
	token := fs.String("token", jpkisim.TokenCard, "token kind of a generated card: card, android or iphone")
	pin := fs.String("pin", "1234", "user-auth PIN of a generated card (4 digits)")
	sigPIN := fs.String("sig-pin", "ABC123", "signature PIN of a generated card (6-16 A-Z0-9)")
	noExt := fs.Bool("no-extended", false, "refuse extended-length commands, like some readers")
	save := fs.String("save", "", "also write the generated card's profile to `FILE` (test keys)")
	trace := fs.Bool("trace", false, "log every APDU (PIN data redacted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var p jpkisim.Profile
	var err error
	switch {
	case *resident != "":
		if p, err = fetchProfile(*admin, *resident); err != nil {
			return err
		}
	case *profile != "":
		if p, err = jpkisim.LoadProfile(*profile); err != nil {
			return err
		}
	default:
		if p, err = jpkisim.GenerateProfile(jpkisim.GenOpts{Token: *token, AuthPIN: *pin, SigPIN: strings.ToUpper(*sigPIN)}); err != nil {
			return err
		}
		if *save != "" {
			if err := jpkisim.SaveProfile(*save, p); err != nil {
				return err
			}
		}
	}
	c, err := jpkisim.New(p, &jpkisim.Opts{NoExtended: *noExt})
	if err != nil {
		return err
	}
	link := jpkisim.NewLink(*addr, c)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if *trace {
		link.Trace = func(cmd, resp []byte) {
			log.Info("apdu", "cmd", fmt.Sprintf("% X", cmd), "resp", fmt.Sprintf("% X", resp))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGUSR2)
	quit := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			switch strings.TrimSpace(sc.Text()) {
			case "remove":
				link.Remove()
				fmt.Fprintln(stdout, "removed")
			case "insert":
				link.Insert()
				fmt.Fprintln(stdout, "inserted")
			case "status":
				a, s := c.Tries()
				fmt.Fprintf(stdout, "tries auth=%d sig=%d connects=%d\n", a, s, link.Connects())
			case "quit":
				close(quit)
				return
			case "":
			default:
				fmt.Fprintln(stdout, "commands: remove, insert, status, quit")
			}
		}
	}()
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGUSR1 {
					link.Remove()
				} else {
					link.Insert()
				}
			case <-quit:
				stop()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	log.Info("card ready", "token", p.Token, "vpcd", *addr)
	if err := link.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// fetchProfile asks a running centerd's admin API for a resident's card.
func fetchProfile(admin, resident string) (jpkisim.Profile, error) {
	var p jpkisim.Profile
	u := strings.TrimRight(admin, "/") + server.AdminExportCard + "?resident=" + url.QueryEscape(resident)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return p, fmt.Errorf("fetch card of %s: %w", resident, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return p, fmt.Errorf("fetch card of %s: %w", resident, err)
	}
	if resp.StatusCode != http.StatusOK {
		return p, fmt.Errorf("fetch card of %s: center answered %s: %s", resident, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("fetch card of %s: %w", resident, err)
	}
	return p, nil
}
