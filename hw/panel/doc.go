// Package panel opens the kiosk's GPIO lines by name and holds what its device drivers share.
//
// The panel is the kiosk's small hardware: the card-slot LED (package led), the debounced
// binary inputs — card presence, maintenance key switch, paper, door and tray sensors
// (package sensor) —, the buzzer (package buzzer), the 4×3 PIN keypad (package keypad) and the
// pulse-output coin acceptor (package coin). Each driver follows periph's device style: a Dev
// made by New(pins, *Opts), Halt() and String(), and typed events on a channel; none of them
// knows what a resident or a session is.
//
// Lines are opened through periph's character-device driver (host/v3/gpioioctl), which
// registers every line that has a kernel name (device-tree gpio-line-names) in gpioreg. The
// names come from the kiosk configuration, so Open is the only place that touches gpioreg.
//
// Tests use periph's gpiotest pins and never open real lines.
//
// This package and its children must never import the session machine (certkiosk/kiosk), the
// UI or the configuration package: they take pins and options, nothing else.
package panel
