package assets

import _ "embed"

// FontGothic is IPAexGothic (ipaexg.ttf from Debian's fonts-ipaexfont-gothic), a TrueType font
// covering JIS X 0208 kanji, kana, Latin and digits. Treat it as read-only.
//
//go:embed fonts/ipaexg.ttf
var FontGothic []byte

// FontGothicName is the font's file name, for themes and logs.
const FontGothicName = "ipaexg.ttf"

// CertificateTextJA holds the printed text of the certificates (titles, labels, certification
// sentences, formats), read by kiosk/document. TOML.
//
//go:embed text/certificate_ja.toml
var CertificateTextJA []byte

// ReceiptTextJA holds the printed text of receipt-printer slips. TOML.
//
//go:embed text/receipt_ja.toml
var ReceiptTextJA []byte
