package assets

import _ "embed"

// FontChinese is Droid Sans Fallback (DroidSansFallbackFull.ttf from Debian's
// fonts-droid-fallback, Apache License 2.0: fonts/LICENSE-DroidSansFallback.txt and
// fonts/LICENSE-Apache-2.0.txt). It covers simplified Chinese, which IPAexGothic lacks; it has
// no Latin letters and no Hangul. The touch UI uses it for Chinese screens.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var FontChinese []byte

// FontChineseName is the font's file name.
const FontChineseName = "DroidSansFallbackFull.ttf"

// FontKorean is NanumGothic (NanumGothic.ttf from Debian's fonts-nanum, SIL Open Font License
// 1.1: fonts/LICENSE-NanumGothic.txt). It covers Hangul and Latin. The touch UI uses it for
// Korean screens.
//
//go:embed fonts/NanumGothic.ttf
var FontKorean []byte

// FontKoreanName is the font's file name.
const FontKoreanName = "NanumGothic.ttf"
