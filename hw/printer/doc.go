// Package printer holds what every printer driver of the kiosk shares: the job a document
// printer takes, its status, and the faults a kiosk must react to (out of paper, jam, door or
// cover open, offline), whatever protocol reports them. The drivers live in sub-packages:
//
//   - ipp: the document printer, an IPP Everywhere client (PWG raster or PDF);
//   - escpos: the receipt printer, ESC/POS over a serial line;
//   - file: the demo printer, one PNG or PDF per page into a folder;
//   - tray: the output-tray sensor ("certificates left in the tray");
//   - raster: PWG Raster and PDF encoders the drivers use.
//
// The session machine defines its own small port interface; DocumentPrinter here is what the
// drivers implement so cmd/kiosk can wire any of them.
//
// This package and its sub-packages know devices, not residents: they never log page content.
// They import no fyne, scard or bbolt, and nothing from kiosk/: a page is a plain *image.Gray
// (kiosk/document.Render makes them; only tests import kiosk/document to print real pages).
package printer
