package assets

import "embed"

// Sounds holds recorded guidance for the touch UI's speaker: sounds/<lang>/<message key>.wav,
// generated from the message files by scripts/voices (espeak-ng): the reminders and the PIN
// screens, in every language but Tagalog (espeak-ng has no Tagalog voice). The UI plays a tone
// where no recording exists. The voices are synthetic and want native listeners' review, or
// recordings by people.
//
//go:embed sounds/*/*.wav
var Sounds embed.FS

// SoundsDir is the folder inside Sounds.
const SoundsDir = "sounds"
