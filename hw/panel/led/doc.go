// Package led drives the card-slot LED: a single LED (or LED driver input) on one GPIO line that
// tells the resident where to put the card — off, steady, or blinking to draw the eye.
//
// Blinking runs on the driver's own goroutine so a busy caller cannot freeze the LED half-lit;
// Halt turns the LED off. Opts.ActiveLow is for LEDs wired from the supply to the pin.
//
// This package must never import the session machine, the UI or the configuration.
package led
