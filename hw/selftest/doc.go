// Package selftest is the vendor's and the technician's hardware self-test: a Suite of Checks,
// each with its own time limit, run in order into a Report that names the build and the
// configuration it ran with, written as JSON or JUnit XML.
//
// A check is anything with Name and Run(ctx) Result; Func turns a function into one, so adding a
// check is one line: suite.Add(selftest.Func("printer", runPrinterCheck), selftest.Boot). Checks
// marked Boot form the quick subset the kiosk runs at start-up (and kioskctl selftest -quick): a
// failed boot check takes the kiosk out of service with the check's details as the reason.
//
// A Result passes, fails, or is skipped (the thing is not fitted or not configured, e.g. no
// display on a headless rig); only failures make Report.Failed true. A check that overruns its
// time limit fails with "timed out"; one that panics fails with the panic value. Neither stops
// the suite.
//
// Checks report on hardware and files, never on people: details hold device states, sizes,
// times and paths, no personal data.
//
// This package holds the framework and the checks that need only the standard library, bbolt and
// periph pins (storage, bbolt file, clock, GPIO, display, certificate expiry, center reachability).
// It must never import the session machine or the UI. Package kiosksuite wires the checks to the
// configuration.
package selftest
