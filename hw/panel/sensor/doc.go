// Package sensor drives the kiosk's debounced binary inputs: the card-presence switch in the
// card slot, the maintenance key switch, and the printer's paper, door and tray sensors.
//
// All of them are a contact or an opto switch on one GPIO line. Mechanical contacts bounce for a
// few milliseconds, so a change counts only after the line has stayed at its new level for
// Opts.Settle with no further edge; the driver then sends one Event. The line is read again after
// each quiet poll period, so a change is not lost if the kernel dropped an edge.
//
// Wiring: most such switches pull the line to ground when closed, so Opts.ActiveLow with the
// internal pull-up is the default. Edge detection uses the Linux GPIO v2 character device (see
// periph.io/x/host/v3/gpioioctl); the kernel offers no debounce for it there, hence the software
// one.
//
// This package must never import the session machine, the UI or the configuration.
package sensor
