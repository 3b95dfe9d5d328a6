// Package assets owns the files the firmware ships inside its binary: the bundled Japanese font
// (IPAexGothic, IPA Font License v1.0, see fonts/LICENSE-IPAFont.txt) used by the printed pages,
// the receipt printer and the touch UI, so that every machine renders the same glyphs whatever
// fonts the system has.
//
// This package holds bytes only and imports nothing of the project.
package assets
