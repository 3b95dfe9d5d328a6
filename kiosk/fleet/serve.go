package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ErrNotLoopback is returned for a listen address that is not on loopback: metrics and health
// stay on the kiosk (issue 8, config metrics.listen).
var ErrNotLoopback = errors.New("fleet: listen address is not loopback")

// Listen opens a TCP listener on listen, which must be host:port with host "localhost" or a
// loopback IP. The bound address is checked again (a "localhost" that resolves elsewhere is
// refused too).
func Listen(listen string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("metrics listen %q: %w", listen, err)
	}
	if !loopbackHost(host) {
		return nil, fmt.Errorf("metrics listen %q: %w", listen, ErrNotLoopback)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("metrics listen %q: %w", listen, err)
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("metrics listen %q bound %s: %w", listen, ln.Addr(), ErrNotLoopback)
	}
	return ln, nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve listens on listen (loopback only) and serves h until ctx ends; then it shuts down,
// giving requests in flight up to 5 s, and returns nil.
func Serve(ctx context.Context, listen string, h http.Handler) error {
	ln, err := Listen(listen)
	if err != nil {
		return err
	}
	return ServeListener(ctx, ln, h)
}

// ServeListener serves h on ln until ctx ends (Serve after Listen; tests pass port 0).
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("metrics server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("metrics server shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics server on %s: %w", ln.Addr(), err)
	}
	return nil
}
