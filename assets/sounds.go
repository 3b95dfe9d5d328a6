package assets

import "embed"

// Sounds holds recorded guidance for the touch UI's speaker: sounds/<lang>/<message key>.wav,
// generated from the message files by scripts/voices (espeak-ng). Only some languages and keys
// have a recording; the UI plays a tone where none exists.
//
//go:embed sounds/*/*.wav
var Sounds embed.FS

// SoundsDir is the folder inside Sounds.
const SoundsDir = "sounds"
