package kiosk

// VerifyDocument lets the external tests' synchronous world verify envelopes the way the Runner does.
var VerifyDocument = verifyDocument
