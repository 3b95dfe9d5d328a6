package ui

import (
	"bytes"
	"encoding/binary"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

type fakeBuzzer struct {
	mu       sync.Mutex
	patterns [][]time.Duration
}

func (b *fakeBuzzer) Beep(p []time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.patterns = append(b.patterns, p)
}

type fakePlayer struct {
	mu     sync.Mutex
	played [][]byte
	block  chan struct{}
}

func (p *fakePlayer) Play(wav []byte) error {
	if p.block != nil {
		<-p.block
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.played = append(p.played, wav)
	return nil
}

func (p *fakePlayer) count() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.played) }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestKeyCueRevealsNothing: every keypad key sounds the same, and no recording is looked up for
// it even if one exists, so nothing nearby can tell the digits apart.
func TestKeyCueRevealsNothing(t *testing.T) {
	voices := fstest.MapFS{"ja/cue.key.wav": {Data: []byte("spoken digit")}}
	b, p := &fakeBuzzer{}, &fakePlayer{}
	s := NewSounds(b, p, voices, nil)
	for i := 0; i < 4; i++ {
		s.Cue("ja", "cue.key")
	}
	waitFor(t, func() bool { return p.count() == 4 })
	for i, w := range p.played {
		if !bytes.Equal(w, p.played[0]) || bytes.Contains(w, []byte("spoken")) {
			t.Fatalf("key %d sounded different", i)
		}
	}
	if len(b.patterns) != 4 || len(b.patterns[0]) != 1 {
		t.Errorf("buzzer patterns %v", b.patterns)
	}
}

// TestRemindersSpeakWhereARecordingExists: a reminder plays the recording in the language on
// screen when there is one, and a chime otherwise; the buzzer sounds either way.
func TestRemindersSpeakWhereARecordingExists(t *testing.T) {
	voices := fstest.MapFS{"ja/cue.take_card.wav": {Data: []byte("RIFF ja voice")}}
	b, p := &fakeBuzzer{}, &fakePlayer{}
	s := NewSounds(b, p, voices, nil)
	s.Cue("ja", "cue.take_card")
	s.Cue("en", "cue.take_card")
	s.Cue("ja", "screen.no_recording") // guidance without a file: silent
	s.Cue("ja", "something.else")
	waitFor(t, func() bool { return p.count() == 2 })
	time.Sleep(20 * time.Millisecond)
	if string(p.played[0]) != "RIFF ja voice" {
		t.Errorf("ja reminder played %q", p.played[0][:12])
	}
	if bytes.Equal(p.played[1], p.played[0]) || !bytes.HasPrefix(p.played[1], []byte("RIFF")) {
		t.Error("en reminder did not fall back to the chime")
	}
	if p.count() != 2 || len(b.patterns) != 2 {
		t.Errorf("played %d, beeped %d: want 2 and 2", p.count(), len(b.patterns))
	}
}

// TestCueNeverBlocks: a speaker that hangs does not hold up the machine.
func TestCueNeverBlocks(t *testing.T) {
	p := &fakePlayer{block: make(chan struct{})}
	defer close(p.block)
	s := NewSounds(nil, p, nil, nil)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			s.Cue("ja", "cue.error")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Cue blocked behind a hung player")
	}
}

// TestToneWAVIsWellFormed: the generated cue sounds are valid 16-bit mono PCM WAV files.
func TestToneWAVIsWellFormed(t *testing.T) {
	w := toneWAV([]tone{{1000, 100}, {0, 50}})
	if string(w[0:4]) != "RIFF" || string(w[8:16]) != "WAVEfmt " || string(w[36:40]) != "data" {
		t.Fatalf("header % x", w[:44])
	}
	if got := binary.LittleEndian.Uint32(w[4:]); int(got) != len(w)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(w))
	}
	samples := sampleRate * 150 / 1000
	if got := binary.LittleEndian.Uint32(w[40:]); int(got) != 2*samples || len(w) != 44+2*samples {
		t.Errorf("data size %d, want %d", got, 2*samples)
	}
	if ch, bits := binary.LittleEndian.Uint16(w[22:]), binary.LittleEndian.Uint16(w[34:]); ch != 1 || bits != 16 {
		t.Errorf("%d channels, %d bits", ch, bits)
	}
}

// TestBundledVoices: the reminders and the PIN guidance have recordings in every language but
// Tagalog (espeak-ng has no Tagalog voice: scripts/voices), which gets the tones.
func TestBundledVoices(t *testing.T) {
	s := NewSounds(nil, nil, BundledVoices(), nil)
	keys := []string{"cue.take_card", "cue.take_certificates", "cue.take_money", "screen.place_card",
		"screen.take_card_back", "screen.enter_pin", "screen.confirm_last_try", "screen.reset_new_pin",
		"screen.reset_confirm_pin"}
	chime, _ := s.sound("tl", "cue.take_card")
	if !bytes.Equal(chime.wav, toneWAV([]tone{{988, 200}, {0, 100}, {784, 200}, {0, 100}, {988, 200}})) {
		t.Error("Tagalog: the card reminder is not the chime")
	}
	seen := map[string]bool{}
	for _, lang := range Languages {
		if lang == "tl" {
			continue
		}
		for _, key := range keys {
			snd, ok := s.sound(lang, key)
			if !ok || !bytes.HasPrefix(snd.wav, []byte("RIFF")) || bytes.Equal(snd.wav, chime.wav) || len(snd.wav) < 8000 {
				t.Errorf("%s %s: no recording", lang, key)
				continue
			}
			if seen[string(snd.wav)] {
				t.Errorf("%s %s: the same recording as another key or language", lang, key)
			}
			seen[string(snd.wav)] = true
		}
	}
}
