package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DBFile is the database's file name inside the data directory.
const DBFile = "center.db"

// Config configures a Server.
type Config struct {
	DataDir      string           // created if missing; holds DBFile
	Now          func() time.Time // the center's clock; nil = time.Now
	Hosts        []string         // names in the TLS server certificate (first start only); default localhost, 127.0.0.1, ::1
	ChallengeTTL time.Duration    // default 2 minutes
	SessionTTL   time.Duration    // default 10 minutes
	NoSync       bool             // skip fsync (tests only)
	Logger       *slog.Logger     // default: discard. Never receives personal data or PINs.
}

// Server is the reference issuing center.
type Server struct {
	cfg Config
	db  *bolt.DB
	pki *pkiMem
	log *slog.Logger

	maintenanceAll atomic.Bool  // every municipality in maintenance (admin)
	writers        atomic.Int32 // state-changing calls committing now (write)

	clockMu sync.Mutex
	offset  time.Duration // admin clock offset added to cfg.Now

	mu         sync.Mutex
	challenges map[string]*challenge
	sessions   map[string]*session
	lastSweep  time.Time

	flights flights
	cardMu  sync.Mutex
	// worldMu serialises read-modify-write of municipalities and residents by admin calls.
	worldMu sync.Mutex

	httpMu  sync.Mutex
	servers []*http.Server
}

// ErrDataDirBusy means another process (a running centerd) holds the database.
var ErrDataDirBusy = errors.New("center data directory is in use by another process")

// New opens (or, on first start, creates and seeds) the center in cfg.DataDir.
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("center: empty data directory")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.Hosts) == 0 {
		cfg.Hosts = []string{"localhost", "127.0.0.1", "::1"}
	}
	if cfg.ChallengeTTL == 0 {
		cfg.ChallengeTTL = 2 * time.Minute
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 10 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("center data dir: %w", err)
	}
	db, err := bolt.Open(filepath.Join(cfg.DataDir, DBFile), 0o600, &bolt.Options{Timeout: time.Second, NoSync: cfg.NoSync})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open %s: %w", cfg.DataDir, ErrDataDirBusy)
		}
		return nil, fmt.Errorf("open center database: %w", err)
	}
	// Concurrent answers share one commit (and fsync); a lone request waits at most 2 ms for
	// company instead of bbolt's default 10 ms.
	db.MaxBatchDelay = 2 * time.Millisecond
	s := &Server{cfg: cfg, db: db, log: cfg.Logger, challenges: map[string]*challenge{}, sessions: map[string]*session{}}
	s.flights.m = map[string]chan struct{}{}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init creates buckets, and the PKI and demo world on first start.
func (s *Server) init() error {
	var st pkiState
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		err := getJSON(tx, bktMeta, "pki", &st)
		if err != errNotFound {
			return err
		}
		seed := s.now()
		w, err := loadWorld(seed)
		if err != nil {
			return err
		}
		munis := w.Municipalities
		ps, err := newPKIState(seed, s.cfg.Hosts, munis)
		if err != nil {
			return err
		}
		st = *ps
		if err := putJSON(tx, bktMeta, "pki", st); err != nil {
			return err
		}
		for _, m := range munis {
			if err := putJSON(tx, bktMunis, m.Code, m); err != nil {
				return err
			}
		}
		for _, r := range w.Residents {
			if err := putJSON(tx, bktResidents, r.ID, r); err != nil {
				return err
			}
		}
		s.log.Info("center seeded", "municipalities", len(munis))
		return nil
	})
	if err != nil {
		return fmt.Errorf("initialise center: %w", err)
	}
	s.pki, err = st.load()
	if err != nil {
		return fmt.Errorf("load center PKI: %w", err)
	}
	var maint bool
	err = s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktMeta, "maintenance", &maint) })
	if err != nil && err != errNotFound {
		return fmt.Errorf("load maintenance flag: %w", err)
	}
	s.maintenanceAll.Store(maint)
	n, err := s.pruneIdempotency()
	if err != nil {
		return fmt.Errorf("prune idempotency keys: %w", err)
	}
	if n > 0 {
		s.log.Info("dropped old idempotency keys", "count", n)
	}
	return nil
}

// now is the center's clock in JST.
func (s *Server) now() time.Time {
	s.clockMu.Lock()
	off := s.offset
	s.clockMu.Unlock()
	return s.cfg.Now().Add(off).In(JST)
}

// Now returns the center's clock.
func (s *Server) Now() time.Time { return s.now() }

// SetClock makes the center's clock read at now and run on from there; the zero time undoes it.
func (s *Server) SetClock(at time.Time) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	if at.IsZero() {
		s.offset = 0
		return
	}
	s.offset = at.Sub(s.cfg.Now())
}

// TLSConfig is the server side of mutual TLS: the center's certificate, and kiosk certificates
// checked against the kiosk device CA when given. A kiosk without one is answered with a clear
// 401 (kiosk_cert_required) instead of a failed handshake.
func (s *Server) TLSConfig() (*tls.Config, error) {
	cert, err := tls.X509KeyPair(pemCert(s.pki.serverCert.Cert), pemKey(s.pki.serverCert.Key))
	if err != nil {
		return nil, fmt.Errorf("center TLS certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.pki.deviceCA.Cert)
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

// Start serves the kiosk API (HTTPS, mutual TLS) on listen and the admin API (plain HTTP; bind it
// to loopback) on adminListen, which may be empty. It returns the base URLs.
func (s *Server) Start(listen, adminListen string) (kioskURL, adminURL string, err error) {
	tc, err := s.TLSConfig()
	if err != nil {
		return "", "", err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return "", "", fmt.Errorf("listen %s: %w", listen, err)
	}
	hs := &http.Server{Handler: s.Handler(), TLSConfig: tc, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.httpMu.Lock()
	s.servers = append(s.servers, hs)
	s.httpMu.Unlock()
	// ServeTLS adds HTTP/2 to the TLS configuration; the certificate comes from hs.TLSConfig.
	go hs.ServeTLS(l, "", "")
	kioskURL = "https://" + hostPort(l.Addr())
	if adminListen != "" {
		al, err := net.Listen("tcp", adminListen)
		if err != nil {
			return "", "", fmt.Errorf("listen %s: %w", adminListen, err)
		}
		as := &http.Server{Handler: s.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		s.httpMu.Lock()
		s.servers = append(s.servers, as)
		s.httpMu.Unlock()
		go as.Serve(al)
		adminURL = "http://" + hostPort(al.Addr())
	}
	return kioskURL, adminURL, nil
}

func hostPort(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if ok && ta.IP.IsLoopback() && ta.IP.To4() != nil {
		return fmt.Sprintf("127.0.0.1:%d", ta.Port)
	}
	if ok && ta.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", ta.Port)
	}
	return a.String()
}

// Close stops serving and closes the database.
func (s *Server) Close() error {
	s.httpMu.Lock()
	servers := s.servers
	s.servers = nil
	s.httpMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, hs := range servers {
		_ = hs.Shutdown(ctx) // best effort: the database close below is what must succeed
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close center database: %w", err)
	}
	return nil
}

// SeededAt is when the center was first started (its clock then): the PKI and the demo world
// are dated from it.
func (s *Server) SeededAt() time.Time { return s.pki.seededAt }

func (s *Server) municipality(code string) (Municipality, error) {
	var m Municipality
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktMunis, code, &m) })
	if err != nil {
		return m, fmt.Errorf("municipality %q: %w", code, err)
	}
	return m, nil
}

func (s *Server) resident(id string) (Resident, error) {
	var r Resident
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bktResidents, id, &r) })
	if err != nil {
		return r, fmt.Errorf("resident %q: %w", id, err)
	}
	return r, nil
}

// Residents returns every resident id with the case it demonstrates, in id order.
func (s *Server) Residents() ([]ResidentCase, error) {
	var out []ResidentCase
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktResidents).ForEach(func(k, v []byte) error {
			var r Resident
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode resident %s: %w", k, err)
			}
			out = append(out, ResidentCase{ID: r.ID, Case: r.Case, Municipality: r.Municipality})
			return nil
		})
	})
	return out, err
}

// ResidentCase names a demo resident and what it demonstrates.
type ResidentCase struct {
	ID           string `json:"id"`
	Case         string `json:"case"`
	Municipality string `json:"municipality"`
}

func jsonMarshalIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b, nil
}
