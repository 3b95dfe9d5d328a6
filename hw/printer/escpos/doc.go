// Package escpos drives the kiosk's receipt printer with Epson ESC/POS over a serial line
// (periph conn.Conn; open the port with hw/printer/uartserial). Command reference: Epson
// "ESC/POS Application Programming Guide" / TM series technical references: ESC @ (initialise),
// GS v 0 (print raster bit image), GS V (cut), DLE EOT n (real-time status).
//
// Text is never sent as characters: receipts are rendered with the bundled Japanese font
// (assets.FontGothic) into a 1-bit image and printed as raster bands, so every printer model
// prints the same glyphs whatever its code pages and Kanji ROM. Status comes from DLE EOT 1–4,
// answered by the printer even when it is offline, and becomes printer.Faults.
//
// The simulator in escpossim speaks the same bytes, in process or on a pty, so tests run this
// driver's real code; recorded-byte tests use periph's conntest.Playback.
//
// This package imports periph conn, hw/printer, assets and golang.org/x/image only.
package escpos
