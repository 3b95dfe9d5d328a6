// Package coin reads a pulse-output coin acceptor (the common "parallel/pulse" electronic coin
// selectors: one open-collector output that pulses once or several times per accepted coin).
//
// The acceptor signals each coin as a pulse train: N pulses of Opts.PulseMin–PulseMax, the
// train ending when the line stays idle for Opts.TrainGap. Opts.Table maps the pulse count to a
// value in yen, which covers both usual programming modes:
//
//   - counted: every pulse is worth the same (LinearTable(10, 10, 50, 100, 500): 1 pulse = 10 yen,
//     so a 500-yen coin is 50 pulses and a train of 3 pulses is malformed);
//   - coded: each coin type has its own count (Table{1: 10, 2: 50, 3: 100, 4: 500}).
//
// A train whose count is not in the table, or with a pulse too short (noise) or too long (a
// stuck line), is reported as a Rejected event with a typed reason, not as money. The acceptor
// has already swallowed the coin when that happens, so the caller must record the event for the
// technician (journal) and must not silently ignore it.
//
// Active-low by default (the output transistor pulls the line to ground).
//
// This package must never import the session machine, the UI or the configuration.
package coin
