package audio

import (
	"testing"
	"time"
)

// FuzzDecode: any bytes decode to an even number of samples or to an error; never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(pcmWAV(Rate, 1, 440, 20*time.Millisecond, 0.5))
	f.Add(pcmWAV(16000, 2, 440, 20*time.Millisecond, 0.5))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt "))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, err := Decode(b)
		if err == nil && (len(pcm) == 0 || len(pcm)%2 != 0) {
			t.Fatalf("decoded %d bytes without an error", len(pcm))
		}
	})
}
