package center_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/document"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestNoPersonalDataInLogs runs sessions with every log level on and checks that no name,
// address, 本籍 or 個人番号 reaches the log.
func TestNoPersonalDataInLogs(t *testing.T) {
	var buf lockedBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := centertest.StartWith(t, centertest.Options{Logger: log})
	k := newKiosk(t, c, "kiosk-a")
	cd := loadCard(t, c, "r101")
	s, _ := k.mustLogin(cd, center.PurposeIssue)
	iss, err := k.cl.Issue(context.Background(), center.NewKey(), center.IssueRequest{SessionID: s.SessionID, Type: document.TypeJuminhyo,
		Options: []string{document.OptMyNumber, document.OptHonseki}, Copies: 1})
	if err != nil {
		t.Fatal(err)
	}
	content, err := iss.Envelopes[0].Open(k.cr.DocumentKeys)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = k.login(loadCard(t, c, "r115"), center.PurposeIssue, false) // a refusal is logged too
	logged := buf.String()
	if !strings.Contains(logged, "/v1/issue") {
		t.Fatalf("request log missing: %q", logged)
	}
	// The center never sees a PIN (the card checks it), so only personal data can leak here.
	secrets := []string{"山田", "試験"}
	for _, f := range content.Persons[0].Fields {
		secrets = append(secrets, f.Value)
	}
	for _, f := range content.Header {
		secrets = append(secrets, f.Value)
	}
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(logged, sec) {
			t.Errorf("log contains %q", sec)
		}
	}
}
