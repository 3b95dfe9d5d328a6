package fleet

import (
	"context"
	"log/slog"
	"strings"

	"certkiosk/kiosk"
)

// Observer is the function kiosk.Runner.Observe takes.
type Observer = func(e kiosk.Event, s kiosk.State, effs []kiosk.Effect)

// Chain makes one observer of several (the Runner takes one), called in order; nil ones are
// skipped.
func Chain(obs ...Observer) Observer {
	return func(e kiosk.Event, s kiosk.State, effs []kiosk.Effect) {
		for _, o := range obs {
			if o != nil {
				o(e, s, effs)
			}
		}
	}
}

// maxDetail bounds a logged journal detail.
const maxDetail = 200

// LogObserver logs every journal entry the machine writes as a structured log record (msg
// "journal"; attributes code, txn, screen, detail), at Info, Warn or Error by severity, and each
// screen change at Debug. The journal holds codes, ids and amounts only; as a second guard the
// detail keeps printable ASCII alone (a name or an address in Japanese becomes '?') and is cut at
// 200 bytes. Events and state are never logged. Like the Runner's observer it is called from one
// goroutine (it remembers the last screen without a lock).
func LogObserver(log *slog.Logger) Observer {
	var last kiosk.Screen = -1
	return func(_ kiosk.Event, s kiosk.State, effs []kiosk.Effect) {
		ctx := context.Background()
		if s.Screen != last {
			log.LogAttrs(ctx, slog.LevelDebug, "screen", slog.String("screen", code(s.Screen.String())))
			last = s.Screen
		}
		for _, f := range effs {
			j, ok := f.(kiosk.Journal)
			if !ok {
				continue
			}
			lvl := slog.LevelInfo
			switch j.Entry.Severity {
			case kiosk.Warn:
				lvl = slog.LevelWarn
			case kiosk.Alarm:
				lvl = slog.LevelError
			}
			log.LogAttrs(ctx, lvl, "journal", slog.String("code", code(j.Entry.Code)),
				slog.String("txn", asciiOnly(j.Entry.Txn)), slog.String("screen", code(j.Entry.Screen.String())),
				slog.String("detail", asciiOnly(j.Entry.Detail)))
		}
	}
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= maxDetail {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r > 0x7e {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
