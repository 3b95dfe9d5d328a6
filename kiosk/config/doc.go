// Package config reads and checks the kiosk's TOML configuration file.
//
// It owns the file's schema (Config), its defaults (Default), strict decoding (an unknown key is
// an error, so a typo never silently falls back to a default), and validation that names the key
// and the problem ("printer.document.url: not an ipp(s) or http(s) URL"). Every problem in a file
// is reported at once, as *FieldError values joined in Problems.
//
// Validation checks the file's own consistency only; whether the files it names exist and the
// devices answer is the self-test's job (hw/selftest), which runs where those things are.
//
// Masked returns the configuration to show on the maintenance screen and in kioskctl: paths to
// private keys and the technician credential hash are replaced, never shown.
//
// The configuration holds no personal data. This package must never import drivers (hw/...),
// the UI, or the session machine: those receive the values they need from cmd/.
package config
