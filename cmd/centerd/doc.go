// Command centerd is the reference issuing center: the kiosk API over HTTPS with mutual TLS, an
// admin API on a loopback port, a test PKI and demo world made on first start in its data
// directory (see package certkiosk/kiosk/center/server).
//
//	centerd [-listen ADDR] [-admin ADDR] [-data DIR] [-hosts NAMES] [-v]
//	centerd export-card  (-data DIR | -admin URL) -resident ID -out FILE
//	centerd export-kiosk (-data DIR | -admin URL) -kiosk ID -out DIR
//	centerd residents    (-data DIR | -admin URL)
//	centerd admin [-admin URL] revoke -resident ID [-cert auth|signature|both]
//	centerd admin [-admin URL] suspend|restore -resident ID
//	centerd admin [-admin URL] reserve -resident ID [-pin signature|auth]
//	centerd admin [-admin URL] maintenance [-municipality CODE] on|off
//	centerd admin [-admin URL] move -resident ID [-status moved_out|move_out_filed|deceased|current] [-moved-in-today]
//	centerd admin [-admin URL] clock [-at RFC3339|now]
//
// The exports read the data directory when centerd is not running, or ask the running centerd
// through its admin API. Everything it makes is test material: never use it for real people.
//
// The command only wires flags to package server; it holds no center logic of its own and
// imports no fyne, scard or periph.
package main
