package centertest

import (
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
)

// DefaultTime is where a test center's clock starts: a Wednesday, 10:00 JST, inside every hour
// rule of the demo world.
var DefaultTime = time.Date(2026, 11, 25, 10, 0, 0, 0, server.JST)

// Clock is a settable clock for a test center.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Center is a running test center.
type Center struct {
	*server.Server
	URL      string // https://127.0.0.1:port
	AdminURL string // http://127.0.0.1:port
	Dir      string
	Clock    *Clock
}

var (
	tmplOnce sync.Once
	tmplDir  string
	tmplErr  error
)

// template makes the PKI and every resident's card once, in a directory kept for the process.
func template() (string, error) {
	tmplOnce.Do(func() {
		dir, err := os.MkdirTemp("", "centertest-template-")
		if err != nil {
			tmplErr = err
			return
		}
		c := &Clock{t: DefaultTime}
		s, err := server.New(server.Config{DataDir: dir, Now: c.Now, NoSync: true})
		if err != nil {
			tmplErr = err
			return
		}
		defer s.Close()
		rs, err := s.Residents()
		if err != nil {
			tmplErr = err
			return
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(rs))
		sem := make(chan struct{}, 2)
		for _, r := range rs {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				if _, err := s.CardProfile(id); err != nil {
					errs <- err
				}
			}(r.ID)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			tmplErr = err
			return
		}
		tmplDir = dir
	})
	return tmplDir, tmplErr
}

// Options adjust a test center.
type Options struct {
	Logger *slog.Logger // default: discard
	Sync   bool         // fsync every commit, as centerd does (default off: tests need no durability)
}

// Start starts a center for t, closed when t ends. The clock starts at DefaultTime.
func Start(t testing.TB) *Center {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, o Options) *Center {
	t.Helper()
	tmpl, err := template()
	if err != nil {
		t.Fatalf("centertest: template: %v", err)
	}
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(tmpl, server.DBFile))
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, server.DBFile), b, 0o600); err != nil {
		t.Fatalf("centertest: %v", err)
	}
	clock := &Clock{t: DefaultTime}
	s, err := server.New(server.Config{DataDir: dir, Now: clock.Now, NoSync: !o.Sync, Logger: o.Logger})
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	url, admin, err := s.Start("127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatalf("centertest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("centertest: close: %v", err)
		}
	})
	return &Center{Server: s, URL: url, AdminURL: admin, Dir: dir, Clock: clock}
}

// Client returns a client for kioskID (credentials issued on first use) and its credentials.
func (c *Center) Client(t testing.TB, kioskID string) (*center.Client, center.Credentials) {
	t.Helper()
	kf, err := c.KioskCredentials(kioskID)
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	cr, err := kf.Credentials()
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	cl := center.NewClient(c.URL, cr.TLSConfig())
	t.Cleanup(cl.Close)
	return cl, cr
}

// Card returns a resident's card profile.
func (c *Center) Card(t testing.TB, residentID string) jpkisim.Profile {
	t.Helper()
	p, err := c.CardProfile(residentID)
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	return p
}

// StartFresh starts a center with its own, newly made PKI (slow: seconds), for tests that need a
// second, unrelated PKI.
func StartFresh(t testing.TB) *Center {
	t.Helper()
	dir := t.TempDir()
	clock := &Clock{t: DefaultTime}
	s, err := server.New(server.Config{DataDir: dir, Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatalf("centertest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("centertest: close: %v", err)
		}
	})
	return &Center{Server: s, Dir: dir, Clock: clock}
}
