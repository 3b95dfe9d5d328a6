// Package jpkisim is a simulated MyNumber card: a faithful JPKI application that answers the same
// APDUs with the same status words as the real card (domain.md §2, research/jpki.md §8), so the
// real protocol code in kiosk/jpki and the real PC/SC stack are what tests exercise.
//
// What it models: the JPKI AID (every other AID answers 6A82, so OpenSC's other drivers do not
// claim it), the EFs and their access rules, short and extended READ BINARY with short file ids
// or offsets, PIN counters with the exact sequence 63Cx … 63C0 then 6984 (an empty VERIFY always
// answers 63Cx so OpenSC can bind), PKCS#1 v1.5 padding done by the card, the three token kinds
// (card; Android, whose user-auth certificate needs the PIN; iPhone, which signs after the
// phone's own biometric check and takes no PIN at the kiosk), and the project's PIN-reset
// stand-in (kiosk/jpki/pinreset).
//
// A Card's counters live as long as the Card: power cycles and reconnects clear verified PINs,
// never the counters, so a blocked card stays blocked. Transport plugs a Card into kiosk/jpki in
// process; Link plugs it into pcscd through vsmartcard's vpcd driver.
//
// Test keys only: profiles come from GenerateProfile (at test time) or centerd's export-card.
package jpkisim
