package selftest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"
)

// DeviceCert checks the kiosk's device certificate (mutual TLS with the center) is readable and
// valid for at least MinDays more days, so a technician renews it before the kiosk goes dark.
type DeviceCert struct {
	File    string
	MinDays int
	Now     func() time.Time // default time.Now
}

// Name implements Check.
func (d DeviceCert) Name() string { return "device-cert" }

// Run implements Check.
func (d DeviceCert) Run(context.Context) Result {
	b, err := os.ReadFile(d.File)
	if err != nil {
		return Fail("read device certificate: %v", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return Fail("%s: no PEM CERTIFICATE block", d.File)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return Fail("%s: %v", d.File, err)
	}
	now := time.Now()
	if d.Now != nil {
		now = d.Now()
	}
	left := cert.NotAfter.Sub(now)
	days := int(left.Hours() / 24)
	d2 := fmt.Sprintf("%s (serial %s) valid until %s, %d days left", cert.Subject.CommonName, cert.SerialNumber, cert.NotAfter.UTC().Format("2006-01-02"), days)
	switch {
	case now.Before(cert.NotBefore):
		return Fail("%s: not valid before %s (clock or certificate wrong)", d2, cert.NotBefore.UTC().Format(time.RFC3339))
	case left <= 0:
		return Fail("%s: expired", d2)
	case days < d.MinDays:
		return Fail("%s: fewer than %d", d2, d.MinDays)
	}
	return Pass("%s", d2)
}

// Center checks the center is reachable: a TCP connection and a TLS handshake with the kiosk's
// mutual-TLS configuration (pinned CA, device certificate), within the context's deadline. It
// sends no request.
type Center struct {
	URL string
	TLS *tls.Config
}

// Name implements Check.
func (c Center) Name() string { return "center" }

// Run implements Check.
func (c Center) Run(ctx context.Context) Result {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return Fail("center URL %q: not a URL", c.URL)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "443")
	}
	cfg := c.TLS.Clone()
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = u.Hostname()
	}
	start := time.Now()
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Fail("%s: %v", addr, err)
	}
	defer conn.Close()
	// In TLS 1.3 the server judges the client certificate after the client's handshake is done,
	// so a refused device certificate shows only as an alert on the first read: wait briefly
	// for one. Silence (a timeout) means the server kept the connection.
	_ = conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := conn.Read(make([]byte, 1)); err != nil {
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			return Fail("%s: connection refused after the handshake (device certificate not accepted?): %v", addr, err)
		}
	}
	st := conn.(*tls.Conn).ConnectionState()
	leaf := st.PeerCertificates[0]
	return Pass("%s: %s handshake in %v, server certificate until %s", addr, tls.VersionName(st.Version),
		time.Since(start).Round(time.Millisecond), leaf.NotAfter.UTC().Format("2006-01-02"))
}
