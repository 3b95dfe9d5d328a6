// Package keypad scans the kiosk's 4×3 matrix PIN keypad (keys 1-9, *, 0, #).
//
// Wiring: four row lines are outputs, three column lines are inputs with pull-ups. Between scans
// every row is high; to scan row r the driver drives r low and reads the columns: a column that
// reads low has its key in row r pressed. Layout, as printed on the pad:
//
//	row 0:  1 2 3
//	row 1:  4 5 6
//	row 2:  7 8 9
//	row 3:  * 0 #
//
// Debounce: a scan frame (the set of keys down) counts only after Opts.StableScans identical
// frames in a row, so a bouncing contact gives one press.
//
// Ghosting: a matrix without diodes shows a phantom key when three keys at three corners of a
// rectangle are down (the current finds a path through them to the fourth corner). The driver
// cannot tell the phantom from a real fourth key, so a frame with three or four corners of any
// rectangle down is ambiguous and ignored: the last trusted state stays until the pad is
// unambiguous again. A PIN pad needs one key at a time anyway.
//
// Events are typed (Key, Down) on a channel; the driver knows keys, not PINs, and never logs
// which key was pressed.
//
// This package must never import the session machine, the UI or the configuration.
package keypad
