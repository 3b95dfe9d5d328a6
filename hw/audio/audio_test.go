package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"certkiosk/assets"
)

// The tests play through the real ALSA library into a sound device made of ALSA's own
// plugins: "file" writes the stream (oto's 32-bit float mono) into a FIFO the test reads at
// the rate a sound card would, and the FIFO's back-pressure paces the stream as a card does.
// ALSA_CONFIG_PATH makes ALSA read only this configuration, whatever the machine has.

var rec *recorder

func TestMain(m *testing.M) {
	if os.Getenv("AUDIO_TEST_NO_CARD") != "" {
		os.Exit(m.Run()) // the child of TestNoCard: its own configuration is set
	}
	dir, err := os.MkdirTemp("", "audiotest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		fifo := filepath.Join(dir, "card")
		if err := unix.Mkfifo(fifo, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "mkfifo:", err)
			return 1
		}
		conf := filepath.Join(dir, "alsa.conf")
		text := fmt.Sprintf("pcm.!default {\n type file\n slave.pcm { type null }\n file %q\n format \"raw\"\n}\n", fifo)
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		os.Setenv("ALSA_CONFIG_PATH", conf)
		// O_RDWR: opening does not wait for ALSA to open the other end.
		f, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// A small pipe keeps what ALSA has written close to what the "card" has played.
		if _, err := unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, 4096); err != nil {
			fmt.Fprintln(os.Stderr, "F_SETPIPE_SZ:", err)
			return 1
		}
		rec = &recorder{}
		go rec.read(f)
		return m.Run()
	}()
	os.Exit(code)
}

// recorder is the sound card's other side: it takes samples at Rate and keeps them.
type recorder struct {
	mu      sync.Mutex
	samples []float32
}

func (r *recorder) read(f *os.File) {
	const chunk = Rate / 50 // 20 ms
	buf := make([]byte, 4*chunk)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		n, err := f.Read(buf)
		if err != nil {
			return
		}
		r.mu.Lock()
		for i := 0; i+4 <= n; i += 4 {
			r.samples = append(r.samples, math.Float32frombits(binary.LittleEndian.Uint32(buf[i:])))
		}
		r.mu.Unlock()
	}
}

func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.samples)
}

// sound waits for a sound after sample from, followed by 200 ms of silence, and returns it.
func (r *recorder) sound(t *testing.T, from int) []float32 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		s := r.samples[from:]
		first, last := -1, -1
		for i, v := range s {
			if math.Abs(float64(v)) > 1e-4 {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 && len(s)-last > Rate/5 {
			out := append([]float32(nil), s[first:last+1]...)
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no sound reached the card")
	return nil
}

// silent reports whether nothing but silence reached the card after from, waiting long
// enough for the FIFO to pass on anything played.
func (r *recorder) silent(from int) bool {
	time.Sleep(500 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.samples[from:] {
		if math.Abs(float64(v)) > 1e-4 {
			return false
		}
	}
	return true
}

// pcmWAV is a 16-bit PCM WAV file of a sine at hz for d, at rate, in channels channels.
func pcmWAV(rate, channels int, hz float64, d time.Duration, amp float64) []byte {
	n := int(float64(rate) * d.Seconds())
	var data []byte
	for i := 0; i < n; i++ {
		v := int16(amp * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)) * math.MaxInt16)
		for c := 0; c < channels; c++ {
			data = binary.LittleEndian.AppendUint16(data, uint16(v))
		}
	}
	le := binary.LittleEndian
	b := []byte("RIFF")
	b = le.AppendUint32(b, uint32(36+len(data)))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*2*channels))
	b = le.AppendUint16(b, uint16(2*channels))
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// measure is a sound's length, frequency (from its zero crossings) and peak.
func measure(s []float32) (d time.Duration, hz, peak float64) {
	crossings := 0
	for i := 1; i < len(s); i++ {
		if (s[i-1] < 0) != (s[i] < 0) {
			crossings++
		}
		peak = math.Max(peak, math.Abs(float64(s[i])))
	}
	sec := float64(len(s)) / Rate
	return time.Duration(sec * float64(time.Second)), float64(crossings) / 2 / sec, peak
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol*want }

func TestPlaysWhatTheFileHolds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate, ch int
		hz       float64
		d        time.Duration
	}{
		{"22050 Hz mono, as the voices", Rate, 1, 440, 300 * time.Millisecond},
		{"16 kHz mono, resampled", 16000, 1, 988, 250 * time.Millisecond},
		{"44.1 kHz stereo, mixed down and resampled", 44100, 2, 1500, 200 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := rec.mark()
			if err := Open().Play(pcmWAV(tc.rate, tc.ch, tc.hz, tc.d, 0.5)); err != nil {
				t.Fatal(err)
			}
			d, hz, peak := measure(rec.sound(t, from))
			if !near(d.Seconds(), tc.d.Seconds(), 0.05) || !near(hz, tc.hz, 0.02) || !near(peak, 0.5, 0.05) {
				t.Errorf("the card played %v at %.0f Hz, peak %.2f; want %v at %.0f Hz, peak 0.50", d, hz, peak, tc.d, tc.hz)
			}
		})
	}
}

func TestOneSoundAtATime(t *testing.T) {
	from := rec.mark()
	var wg sync.WaitGroup
	for _, hz := range []float64{500, 1000} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Open().Play(pcmWAV(Rate, 1, hz, 200*time.Millisecond, 0.5)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Two sounds after each other are 400 ms of samples none louder than either: mixed, they
	// would overlap into 200 ms with peaks up to 1.
	d, _, peak := measure(rec.sound(t, from))
	if !near(d.Seconds(), 0.4, 0.05) || peak > 0.55 {
		t.Errorf("two sounds played as %v with peak %.2f; want 400 ms, one after the other", d, peak)
	}
}

func TestBadFilePlaysNothing(t *testing.T) {
	for name, file := range map[string][]byte{
		"not a WAV":         []byte("certainly not a RIFF file"),
		"empty":             nil,
		"header only":       pcmWAV(Rate, 1, 440, 0, 0.5),
		"cut in the header": pcmWAV(Rate, 1, 440, 100*time.Millisecond, 0.5)[:30],
		"cut in the data":   pcmWAV(Rate, 1, 440, 100*time.Millisecond, 0.5)[:2000],
		"a chunk claims 2 GB": append([]byte("RIFF\x00\x00\x00\x00WAVELIST\xff\xff\xff\x7f"),
			pcmWAV(Rate, 1, 440, 100*time.Millisecond, 0.5)[12:]...),
	} {
		t.Run(name, func(t *testing.T) {
			from := rec.mark()
			err := Open().Play(file)
			if err == nil {
				t.Fatal("played a bad file without an error")
			}
			if !rec.silent(from) {
				t.Error("a bad file reached the card")
			}
		})
	}
}

func TestBundledVoicesDecodeUnchanged(t *testing.T) {
	// The voices are at the stream's rate and mono, so decoding passes their samples through.
	n := 0
	err := fs.WalkDir(assets.Sounds, assets.SoundsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".wav" {
			return err
		}
		file, err := fs.ReadFile(assets.Sounds, p)
		if err != nil {
			return err
		}
		pcm, err := Decode(file)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		i := bytes.Index(file, []byte("data"))
		if i < 0 || len(pcm) != len(file[i+8:]) {
			return fmt.Errorf("%s: decoded %d bytes of samples, the file has %d", p, len(pcm), len(file)-i-8)
		}
		for j := 0; j+2 <= len(pcm); j += 2 {
			got, want := int16(binary.LittleEndian.Uint16(pcm[j:])), int16(binary.LittleEndian.Uint16(file[i+8+j:]))
			if d := int(got) - int(want); d < -1 || d > 1 { // float conversion: within one step
				return fmt.Errorf("%s: sample %d decoded as %d, the file has %d", p, j/2, got, want)
			}
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no bundled voices found")
	}
}

func TestNoCard(t *testing.T) {
	if os.Getenv("AUDIO_TEST_NO_CARD") != "" {
		err := Open().Play(pcmWAV(Rate, 1, 440, 50*time.Millisecond, 0.5))
		if !errors.Is(err, ErrNoCard) {
			t.Fatalf("got %v, want ErrNoCard", err)
		}
		// The error stays: every later sound says so too, without retrying the device.
		if err2 := Open().Play(pcmWAV(Rate, 1, 440, 50*time.Millisecond, 0.5)); !errors.Is(err2, ErrNoCard) {
			t.Fatalf("second play: got %v, want ErrNoCard", err2)
		}
		t.Log(err)
		return
	}
	// oto allows one device per process: the machine without a card is a child process whose
	// only sound device is a card that is not there.
	conf := filepath.Join(t.TempDir(), "alsa.conf")
	if err := os.WriteFile(conf, []byte("pcm.!default { type hw card 31 }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoCard$", "-test.v")
	cmd.Env = append(os.Environ(), "AUDIO_TEST_NO_CARD=1", "ALSA_CONFIG_PATH="+conf)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("no sound card")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
