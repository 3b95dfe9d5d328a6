package demo

import _ "embed"

// IssuanceScript walks a whole issuance: a resident (PIN 1234) gets two copies of 住民票の写し
// for themselves and their spouse, pays 500 yen, takes 100 yen change and a receipt.
//
//go:embed issuance.script
var IssuanceScript string

// ResetScript walks a signature-PIN reset with the 4-digit PIN (the resident needs a
// reservation: Center.Reserve).
//
//go:embed reset.script
var ResetScript string
