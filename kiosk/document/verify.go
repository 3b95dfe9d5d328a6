package document

import (
	"errors"
	"fmt"
	"image"
	"strings"
)

// Verified is what a page's codes prove.
type Verified struct {
	Claims Claims
	// Content is the full certified content when the page carries a content code (the last page
	// of a document small enough for one); nil otherwise.
	Content *Content
}

// VerifyPage finds the codes on a page image (render, scan or photo), checks the claims code's
// signature with keys and, when the content code is there too, that it is the signed content.
// Errors: ErrNoCode (unreadable or no code), ErrUnknownKey, ErrForged, ErrContentAltered,
// ErrMalformed.
func VerifyPage(img image.Image, keys Keys) (Verified, error) {
	codes, err := FindCodes(img)
	if err != nil {
		return Verified{}, err
	}
	var claimsCodes, contentCodes []string
	for _, c := range codes {
		switch {
		case strings.HasPrefix(c, ClaimsCodePrefix):
			claimsCodes = append(claimsCodes, c)
		case strings.HasPrefix(c, ContentCodePrefix):
			contentCodes = append(contentCodes, c)
		}
	}
	switch len(claimsCodes) {
	case 0:
		return Verified{}, fmt.Errorf("%w (found %d other codes)", ErrNoCode, len(codes))
	case 1:
	default:
		return Verified{}, fmt.Errorf("%w: %d page verification codes on one page", ErrMalformed, len(claimsCodes))
	}
	cl, err := VerifyClaimsCode(claimsCodes[0], keys)
	if err != nil {
		return Verified{Claims: cl}, err
	}
	v := Verified{Claims: cl}
	if len(contentCodes) > 1 {
		return v, fmt.Errorf("%w: %d content codes on one page", ErrMalformed, len(contentCodes))
	}
	if len(contentCodes) == 1 {
		c, err := ParseContentCode(contentCodes[0], cl)
		if err != nil {
			return v, err
		}
		v.Content = &c
	}
	return v, nil
}

// IsForgery reports whether err means the page is not genuine (as opposed to unreadable).
func IsForgery(err error) bool {
	return errors.Is(err, ErrForged) || errors.Is(err, ErrContentAltered) || errors.Is(err, ErrUnknownKey)
}
