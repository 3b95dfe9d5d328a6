package ui

import (
	"encoding/binary"
	"io/fs"
	"math"
	"path"
	"strings"
	"sync"
	"time"

	"certkiosk/assets"
)

// Speaker plays a cue or spoken guidance by message key, in the language on screen. It must
// not block: the UI calls it from the machine's goroutine.
type Speaker interface {
	Cue(lang, key string)
}

// Buzzer is the panel's buzzer (hw/panel). pattern alternates on and off times, starting on.
type Buzzer interface {
	Beep(pattern []time.Duration)
}

// Player plays one WAV file to the end.
type Player interface {
	Play(wav []byte) error
}

// Buzzer patterns. The key cue is the same short click for every key, so nobody nearby can
// tell which digit was typed.
var (
	patternKey      = []time.Duration{25 * time.Millisecond}
	patternError    = []time.Duration{150 * time.Millisecond, 80 * time.Millisecond, 150 * time.Millisecond}
	patternWarning  = []time.Duration{400 * time.Millisecond}
	patternReminder = []time.Duration{200 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
		100 * time.Millisecond, 200 * time.Millisecond}
)

// Sounds is the kiosk's Speaker: buzzer patterns and tones for cues, and recorded guidance
// (assets/sounds/<lang>/<key>.wav) where a file exists for the language. Either output may be
// nil. Cues wait in a short queue played by one goroutine; when it is full a cue is dropped
// rather than block the machine.
type Sounds struct {
	buzzer Buzzer
	player Player
	voices fs.FS
	once   sync.Once
	queue  chan sound
	errs   func(error)
}

type sound struct {
	pattern []time.Duration
	wav     []byte
}

// NewSounds makes a Speaker. voices holds <lang>/<key>.wav files (nil: none); errs receives
// playback errors (nil: dropped — a kiosk keeps working without sound).
func NewSounds(b Buzzer, p Player, voices fs.FS, errs func(error)) *Sounds {
	if errs == nil {
		errs = func(error) {}
	}
	return &Sounds{buzzer: b, player: p, voices: voices, queue: make(chan sound, 8), errs: errs}
}

// Cue implements Speaker.
func (s *Sounds) Cue(lang, key string) {
	snd, ok := s.sound(lang, key)
	if !ok {
		return
	}
	s.once.Do(func() { go s.run() })
	select {
	case s.queue <- snd:
	default:
	}
}

// sound is what key sounds like in lang.
func (s *Sounds) sound(lang, key string) (sound, bool) {
	var snd sound
	switch key {
	case "cue.key":
		snd = sound{patternKey, toneWAV([]tone{{2000, 25}})}
	case "cue.error":
		snd = sound{patternError, toneWAV([]tone{{440, 150}, {0, 80}, {440, 150}})}
	case "cue.warning":
		snd = sound{patternWarning, toneWAV([]tone{{880, 400}})}
	case "cue.take_card", "cue.take_certificates", "cue.take_money":
		snd = sound{patternReminder, toneWAV([]tone{{988, 200}, {0, 100}, {784, 200}, {0, 100}, {988, 200}})}
	}
	if strings.HasPrefix(key, "cue.") || strings.HasPrefix(key, "screen.") {
		if v := s.voice(lang, key); v != nil {
			snd.wav = v // spoken guidance replaces the tone; the buzzer still sounds
		}
	}
	return snd, snd.pattern != nil || snd.wav != nil
}

func (s *Sounds) voice(lang, key string) []byte {
	if s.voices == nil || key == "cue.key" {
		return nil
	}
	b, err := fs.ReadFile(s.voices, path.Join(lang, key+".wav"))
	if err != nil {
		return nil
	}
	return b
}

func (s *Sounds) run() {
	for snd := range s.queue {
		if s.buzzer != nil && snd.pattern != nil {
			s.buzzer.Beep(snd.pattern)
		}
		if s.player != nil && snd.wav != nil {
			if err := s.player.Play(snd.wav); err != nil {
				s.errs(err)
			}
		}
	}
}

type tone struct {
	hz float64
	ms int
}

// sampleRate is the voices' rate (assets/sounds), so tones and voices share one stream without
// resampling (hw/audio).
const sampleRate = 22050

// toneWAV renders tones (0 Hz: silence) as a 16-bit mono PCM WAV file.
func toneWAV(tones []tone) []byte {
	var pcm []int16
	for _, t := range tones {
		n := sampleRate * t.ms / 1000
		for i := 0; i < n; i++ {
			var v float64
			if t.hz > 0 {
				// A short fade in and out keeps the speaker from clicking.
				env := math.Min(1, math.Min(float64(i), float64(n-i))/80)
				v = 0.4 * env * math.Sin(2*math.Pi*t.hz*float64(i)/sampleRate)
			}
			pcm = append(pcm, int16(v*math.MaxInt16))
		}
	}
	le := binary.LittleEndian
	size := 2 * len(pcm)
	b := make([]byte, 0, 44+size)
	b = append(b, "RIFF"...) //lint:notext WAV header
	b = le.AppendUint32(b, uint32(36+size))
	b = append(b, "WAVEfmt "...) //lint:notext WAV header
	b = le.AppendUint32(b, 16)   // fmt chunk size
	b = le.AppendUint16(b, 1)    // PCM
	b = le.AppendUint16(b, 1)    // mono
	b = le.AppendUint32(b, sampleRate)
	b = le.AppendUint32(b, 2*sampleRate) // bytes per second
	b = le.AppendUint16(b, 2)            // bytes per frame
	b = le.AppendUint16(b, 16)           // bits per sample
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(size))
	for _, v := range pcm {
		b = le.AppendUint16(b, uint16(v))
	}
	return b
}

// BundledVoices are the recordings embedded in the binary (assets/sounds), for NewSounds.
func BundledVoices() fs.FS {
	v, err := fs.Sub(assets.Sounds, assets.SoundsDir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return v
}
