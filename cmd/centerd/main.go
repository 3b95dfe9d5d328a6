package main

import (
	"bytes"
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
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
)

const (
	defaultListen = "127.0.0.1:8443"
	defaultAdmin  = "127.0.0.1:8444"
	defaultData   = "centerd-data"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is centerd with its arguments; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		err = serve(ctx, args, stderr)
	case "export-card":
		err = exportCard(args, stdout)
	case "export-kiosk":
		err = exportKiosk(args, stdout)
	case "residents":
		err = residents(args, stdout)
	case "admin":
		err = admin(args, stdout)
	default:
		err = fmt.Errorf("unknown command %q (want export-card, export-kiosk, residents or admin)", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "centerd:", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("centerd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", defaultListen, "kiosk API address (HTTPS, mutual TLS)")
	adminAddr := fs.String("admin", defaultAdmin, "admin API address (plain HTTP: keep it on loopback; empty = off)")
	data := fs.String("data", defaultData, "data directory (created and seeded on first start)")
	hosts := fs.String("hosts", "localhost,127.0.0.1,::1", "comma-separated names in the TLS certificate (first start only)")
	verbose := fs.Bool("v", false, "log every request (path, kiosk, status; never a body)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	_, statErr := os.Stat(filepath.Join(*data, server.DBFile))
	t0 := time.Now()
	s, err := server.New(server.Config{DataDir: *data, Hosts: strings.Split(*hosts, ","), Logger: log})
	if err != nil {
		return err
	}
	if os.IsNotExist(statErr) {
		log.Info("first start: test PKI and demo world created", "dir", *data, "took", time.Since(t0).Round(time.Millisecond))
	}
	kurl, aurl, err := s.Start(*listen, *adminAddr)
	if err != nil {
		s.Close()
		return err
	}
	log.Info("centerd serving", "kiosk_api", kurl, "admin_api", aurl, "data", *data)
	<-ctx.Done()
	log.Info("centerd stopping")
	return s.Close()
}

// source is where an export or listing comes from: the data directory or a running centerd.
type source struct {
	data, admin string
}

func (src *source) flags(fs *flag.FlagSet) {
	fs.StringVar(&src.data, "data", "", "data directory of a centerd that is not running")
	fs.StringVar(&src.admin, "admin", "", "admin URL of a running centerd (e.g. http://"+defaultAdmin+")")
}

// with runs fn on the server opened from the data directory.
func (src *source) with(fn func(*server.Server) (any, error)) (any, error) {
	if src.data == "" {
		return nil, errors.New("give -data DIR or -admin URL")
	}
	if _, err := os.Stat(filepath.Join(src.data, server.DBFile)); err != nil {
		return nil, fmt.Errorf("no center in %s (start centerd -data %s once): %w", src.data, src.data, err)
	}
	s, err := server.New(server.Config{DataDir: src.data})
	if errors.Is(err, server.ErrDataDirBusy) {
		return nil, fmt.Errorf("%w: centerd is running; use -admin http://%s", err, defaultAdmin)
	}
	if err != nil {
		return nil, err
	}
	v, err := fn(s)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return v, err
}

// get asks a running centerd's admin API and decodes the answer into out.
func adminCall(base, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode admin request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(base, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin API %s: %w", base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("admin API %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var eb center.ErrorBody
		if json.Unmarshal(b, &eb) == nil && eb.Message != "" {
			return fmt.Errorf("admin API %s: %s", path, eb.Message)
		}
		return fmt.Errorf("admin API %s: status %d", path, resp.StatusCode)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("admin API %s: decode answer: %w", path, err)
	}
	return nil
}

func exportCard(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export-card", flag.ContinueOnError)
	var src source
	src.flags(fs)
	resident := fs.String("resident", "", "resident id (see centerd residents)")
	out := fs.String("out", "", "card profile file to write (jpkicard -profile)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *resident == "" || *out == "" {
		return errors.New("export-card: -resident and -out are required")
	}
	var p jpkisim.Profile
	if src.admin != "" {
		if err := adminCall(src.admin, http.MethodGet, server.AdminExportCard+"?resident="+url.QueryEscape(*resident), nil, &p); err != nil {
			return err
		}
	} else {
		v, err := src.with(func(s *server.Server) (any, error) { return s.CardProfile(*resident) })
		if err != nil {
			return err
		}
		p = v.(jpkisim.Profile)
	}
	if err := jpkisim.SaveProfile(*out, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "card of resident %s written to %s\n", *resident, *out)
	return nil
}

func exportKiosk(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export-kiosk", flag.ContinueOnError)
	var src source
	src.flags(fs)
	kiosk := fs.String("kiosk", "", "kiosk id (the device certificate's CN)")
	out := fs.String("out", "", "directory to write the credentials to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kiosk == "" || *out == "" {
		return errors.New("export-kiosk: -kiosk and -out are required")
	}
	var kf server.KioskFiles
	if src.admin != "" {
		if err := adminCall(src.admin, http.MethodGet, server.AdminExportKiosk+"?kiosk="+url.QueryEscape(*kiosk), nil, &kf); err != nil {
			return err
		}
	} else {
		v, err := src.with(func(s *server.Server) (any, error) { return s.KioskCredentials(*kiosk) })
		if err != nil {
			return err
		}
		kf = v.(server.KioskFiles)
	}
	files, err := kf.Files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return fmt.Errorf("export-kiosk: %w", err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o600); err != nil {
			return fmt.Errorf("export-kiosk: %w", err)
		}
	}
	fmt.Fprintf(stdout, "credentials of kiosk %s written to %s\n", *kiosk, *out)
	return nil
}

func residents(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("residents", flag.ContinueOnError)
	var src source
	src.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rs []server.ResidentCase
	if src.admin != "" {
		if err := adminCall(src.admin, http.MethodGet, server.AdminResidents, nil, &rs); err != nil {
			return err
		}
	} else {
		v, err := src.with(func(s *server.Server) (any, error) { return s.Residents() })
		if err != nil {
			return err
		}
		rs = v.([]server.ResidentCase)
	}
	for _, r := range rs {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", r.ID, r.Municipality, r.Case)
	}
	return nil
}

func admin(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	base := fs.String("admin", "http://"+defaultAdmin, "admin URL of the running centerd")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("admin: give a verb: revoke, suspend, restore, reserve, maintenance, move, clock")
	}
	verb, rest := fs.Arg(0), fs.Args()[1:]
	vf := flag.NewFlagSet("admin "+verb, flag.ContinueOnError)
	var req server.AdminRequest
	vf.StringVar(&req.Resident, "resident", "", "resident id")
	cert := vf.String("cert", "both", "revoke: auth, signature or both")
	pin := vf.String("pin", center.CertSignature, "reserve: the PIN to reset (signature or auth)")
	vf.StringVar(&req.Municipality, "municipality", "", "maintenance: municipality code (empty = the whole service)")
	status := vf.String("status", "current", "move: moved_out, move_out_filed, deceased or current")
	vf.BoolVar(&req.MovedInToday, "moved-in-today", false, "move: make today the move-in day")
	at := vf.String("at", "now", "clock: RFC 3339 time, or now for the real clock")
	if err := vf.Parse(rest); err != nil {
		return err
	}
	path := ""
	var out any = &center.OK{}
	switch verb {
	case "revoke":
		path, req.Cert = server.AdminRevoke, *cert
	case "suspend":
		path = server.AdminSuspend
	case "restore":
		path = server.AdminRestore
	case "reserve":
		path, req.PIN, out = server.AdminReserve, *pin, &center.Reservation{}
	case "maintenance":
		path = server.AdminMaintenance
		switch vf.Arg(0) {
		case "on":
			req.On = true
		case "off":
		default:
			return errors.New("admin maintenance: say on or off")
		}
	case "move":
		path = server.AdminMove
		if *status != "current" {
			req.Status = *status
		}
	case "clock":
		path, out = server.AdminClock, &map[string]time.Time{}
		if *at != "now" {
			t, err := time.Parse(time.RFC3339, *at)
			if err != nil {
				return fmt.Errorf("admin clock: -at: %w", err)
			}
			req.At = t
		}
	default:
		return fmt.Errorf("admin: unknown verb %q", verb)
	}
	if err := adminCall(*base, http.MethodPost, path, req, out); err != nil {
		return err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	fmt.Fprintln(stdout, string(b))
	return nil
}
