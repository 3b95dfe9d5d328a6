// Package document owns certificate documents from the moment the center signs them until they
// are pixels: the signed envelope and its binding to one session (envelope.go), the certificate
// type, option and field codes shared with the center (fields.go), page layout (layout.go), the
// anti-forgery ground pattern (ground.go) and the page verification codes (code.go, qr.go,
// verify.go).
//
// An envelope is trusted only after Envelope.Open has verified its signatures with a municipality
// key the kiosk already holds, and printed only after Content.CheckBinding has matched it to the
// session on screen. Signatures are Ed25519: small enough for a QR code, fast to check.
//
// # Pages
//
// Render lays a Content out on A4 pages at any resolution (300 dpi by default) into image.Gray:
// title, the certificate-level items, one bordered table per person (the 世帯 form lists the
// household members in turn), and on the last page the certification sentence, the as-of time
// of the data, the issue date in the Japanese era, the mayor and the municipal seal (a generated
// 角印; the kiosk has no real seal image). Every page carries the verification code, the issuance
// id and "n/N". All wording comes from assets/text/certificate_ja.toml; glyphs from the bundled
// IPAexGothic. Render refuses (ErrFieldNotAllowed) a field the type never shows, a 住民票 field
// whose option the resident did not choose, and 個人番号 unless both the resident chose it and
// the municipality allows it (RenderOptions.AllowMyNumber); it refuses (ErrUnprintable) text the
// font cannot draw instead of printing boxes.
//
// # Ground pattern (地紋)
//
// The whole page is covered by a light tint of dots in which 「複写」 is hidden: fine 1-dot
// points outside the word, coarse 4×4 points inside it, both covering 1/9 of the paper, so the
// original looks even. CopierSimulation (Gaussian blur, 50% threshold) shows what a copier does:
// the fine points vanish, the coarse ones print, and the word appears. The pattern is one
// precomputed tile per resolution copied row by row, which keeps a page at about 10 ms.
//
// # Verification codes
//
// Every page has a claims code: "KV1:" + base45(MarshalClaims ‖ Ed25519 code signature), about
// 180 bytes in QR alphanumeric mode (version 10, 0.5 mm modules, 33 mm square). It proves the
// issuance id, type, municipality, issue time and the SHA-256 of the signed content. Claims
// alone cannot show a receiver that the printed names are the certified ones, so the last page
// also carries, when it fits a phone-readable code (≤ 1150 characters, 46 mm, modules ≥ 0.3 mm),
// a content code: "KC1:" + base45(deflate(signed payload)). Its digest must equal the signed
// claims' digest, so it needs no signature of its own, and a verifier prints the full certified
// content to compare with the paper. Large documents (many household members, seal images) get
// the claims code only; verify then says the content is not in the code. Base45 is used instead
// of byte mode because scanner apps and zbarimg reinterpret byte-mode data as text.
//
// The claims digest covers the certified content only; the session binding (session id,
// challenge nonce, SHA-256 of the resident's user-auth certificate) is signed beside it in the
// envelope and never printed, so a page's codes carry no stable pseudonym of the card and two
// certificates handed to one receiver cannot be linked by them. RenderOptions.NoContentCode
// still prints the claims code alone, for municipalities that want nothing but the claims.
//
// VerifyPage finds the codes on a render, scan or photo (gozxing, also at reduced scale) and
// checks them with keys the verifier holds (never keys from the page), read from a keys file
// (ParseKeysJSON: a JSON object of key id to base64 Ed25519 public key).
//
// This package imports no fyne, scard, periph, bbolt or net/http. It uses gozxing (QR),
// golang.org/x/image (font rasterising), BurntSushi/toml (printed wording) and assets.
package document
