// Package ipp drives the kiosk's document printer over IPP Everywhere (PWG 5100.14; IPP/1.1 and
// 2.0 per RFC 8011, message encoding RFC 8010), using github.com/OpenPrinting/goipp for the
// messages and net/http for the transport.
//
// Dev reads the printer's attributes (document formats, PWG raster types and resolutions, media,
// printer-state and printer-state-reasons), prints a job in a format the printer offers (PWG
// raster, 1-bit when offered, else 8-bit grey; PDF otherwise), follows the job until it
// completes, and turns printer-state-reasons into printer.Faults (media empty, jam, door open,
// offline) that the kiosk reacts to, either per call (Status) or as a stream of changes (Watch).
//
// Tests run against CUPS's ippeveprinter (Debian cups-ipp-utils), started by package ipptest on
// loopback.
//
// This package imports no fyne, scard, periph or bbolt, and never logs page content.
package ipp
