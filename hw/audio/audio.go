// Package audio plays WAV files on the terminal's sound card: spoken guidance and the tones of
// the touch screen's cues (ui.Player).
//
// Output goes through oto (github.com/ebitengine/oto/v3), which writes to ALSA's default PCM;
// the card is chosen the ALSA way, in /etc/asound.conf, not here. WAV files are decoded and,
// when their rate differs from the card's stream, resampled with beep (github.com/gopxl/beep/v2),
// so recordings and generated tones of any PCM format play.
//
// oto allows one audio context per process, so a Card is opened once: Open is lazy and safe to
// share, and the device is opened on the first Play. A machine with no sound card gets a clear
// error from every Play (errors.Is ErrNoCard) and nothing else changes: the kiosk works without
// sound, and the panel's buzzer still sounds.
package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
	"github.com/gopxl/beep/v2"
	"github.com/gopxl/beep/v2/wav"
)

// Rate is the stream's sample rate: that of the bundled voices (assets/sounds), so they play
// without resampling. ALSA converts to the card's own rate.
const Rate = 22050

// buffer is the device's buffer: short, so a key click sounds as the key is pressed.
const buffer = 60 * time.Millisecond

// ErrNoCard is the sound device failing to open.
var ErrNoCard = errors.New("no sound card")

// Card is the sound card. The zero value is not usable; use Open.
type Card struct {
	once sync.Once
	ctx  *oto.Context
	err  error
	mu   sync.Mutex // one sound at a time
}

var (
	shared     *Card
	sharedOnce sync.Once
)

// Open returns the process's sound card. The device itself is opened on the first Play.
func Open() *Card {
	sharedOnce.Do(func() { shared = &Card{} })
	return shared
}

func (c *Card) open() error {
	c.once.Do(func() {
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate: Rate, ChannelCount: 1, Format: oto.FormatSignedInt16LE, BufferSize: buffer})
		if err != nil {
			c.err = fmt.Errorf("%w: %w", ErrNoCard, err)
			return
		}
		<-ready
		// oto opens the device in the background and reports failure only here.
		if err := ctx.Err(); err != nil {
			c.err = fmt.Errorf("%w: %w", ErrNoCard, err)
			return
		}
		c.ctx = ctx
	})
	return c.err
}

// Play plays one WAV file to the end. A file that does not decode is an error and nothing is
// played.
func (c *Card) Play(file []byte) error {
	pcm, err := Decode(file)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.ctx.NewPlayer(bytes.NewReader(pcm))
	defer p.Close()
	p.Play()
	for p.IsPlaying() {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.Err(); err != nil {
		return fmt.Errorf("play: %w", err)
	}
	if err := c.ctx.Err(); err != nil {
		return fmt.Errorf("sound card: %w", err)
	}
	return nil
}

// Decode turns a PCM WAV file into the stream's format: signed 16-bit little-endian mono at
// Rate. Stereo is mixed down; other rates are resampled.
func Decode(file []byte) (pcm []byte, err error) {
	if err := checkChunks(file); err != nil {
		return nil, fmt.Errorf("decode sound: %w", err)
	}
	defer func() {
		// A backstop: beep's decoder trusts the header's sizes more than this package does.
		if r := recover(); r != nil {
			pcm, err = nil, fmt.Errorf("decode sound: malformed file: %v", r)
		}
	}()
	s, f, err := wav.Decode(bytes.NewReader(file))
	if err != nil {
		return nil, fmt.Errorf("decode sound: %w", err)
	}
	defer s.Close()
	var src beep.Streamer = s
	if f.SampleRate != Rate {
		src = beep.Resample(4, f.SampleRate, Rate, s)
	}
	out := make([]byte, 0, 2*s.Len()*Rate/max(int(f.SampleRate), 1)+64)
	buf := make([][2]float64, 512)
	for {
		n, ok := src.Stream(buf)
		if n == 0 && ok {
			// beep's decoder reports neither samples nor the end on a data chunk cut short: a
			// cut file would spin here forever.
			if err := s.Err(); err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("decode sound: %w", err)
			}
			return nil, fmt.Errorf("decode sound: data chunk shorter than its header says")
		}
		for _, fr := range buf[:n] {
			v := int16(math.Max(-1, math.Min(1, (fr[0]+fr[1])/2)) * math.MaxInt16)
			out = append(out, byte(v), byte(uint16(v)>>8))
		}
		if !ok {
			break
		}
	}
	if err := src.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode sound: %w", err)
	}
	if err := s.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode sound: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("decode sound: no samples")
	}
	return out, nil
}

// checkChunks walks the RIFF chunks up to the data chunk and refuses a size that runs past the
// end of the file: beep's decoder allocates what a chunk claims (up to 2 GB, or a panic on a
// negative size) before it reads it.
func checkChunks(file []byte) error {
	if len(file) < 12 || string(file[:4]) != "RIFF" || string(file[8:12]) != "WAVE" {
		return errors.New("not a RIFF WAVE file")
	}
	for off := 12; ; {
		if off+8 > len(file) {
			return errors.New("no data chunk")
		}
		id, size := string(file[off:off+4]), int64(binary.LittleEndian.Uint32(file[off+4:]))
		if id == "data" {
			if off+8+int(min(size, int64(len(file)))) > len(file) {
				return fmt.Errorf("data chunk of %d bytes in a file of %d", size, len(file))
			}
			return nil
		}
		if size > int64(len(file)-off-8) {
			return fmt.Errorf("%q chunk of %d bytes in a file of %d", id, size, len(file))
		}
		off += 8 + int(size) + int(size%2) // chunks are padded to even sizes
	}
}
