package assets

import "embed"

// Messages holds the touch UI's message files, one TOML file per language named <code>.toml
// (ja, en, zh, ko, vi, pt, es, tl), read by ui. Every file defines the same keys.
//
//go:embed messages/*.toml
var Messages embed.FS

// MessagesDir is the folder inside Messages.
const MessagesDir = "messages"
