// Package raster turns rendered pages (image.Gray) into the document formats printers take:
// PWG Raster (PWG 5102.4-2012, "image/pwg-raster", the IPP Everywhere raster format) and a
// minimal PDF holding one image per page ("application/pdf"). It also decodes PWG Raster, so
// tests and `kioskctl verify` can read back what a printer's spool received.
//
// Both are small, fully specified formats written in-house: no Go library writes PWG Raster, and
// a PDF that only wraps page images needs none of a PDF library's machinery.
//
// This package imports only the standard library.
package raster
