package center

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors for answers that are not refusals. A caller tells "the service is down" (ErrUnavailable,
// ErrTimeout) from "the center said no" (*RefusalError) from "the center answered nonsense"
// (ErrBadResponse).
var (
	ErrUnavailable = errors.New("center: service unavailable")
	ErrTimeout     = errors.New("center: request timed out")
	ErrBadResponse = errors.New("center: malformed answer")
)

// RefusalError is a refusal: the center understood the request and said no, for the reason in
// Code (codes.go). Message is for technicians, never for the screen: the UI maps Code to text.
type RefusalError struct {
	Status  int // HTTP status
	Code    string
	Message string
	Details map[string]string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("center refused (%d %s): %s", e.Status, e.Code, e.Message)
}

// Permanent reports whether repeating the same request can never succeed: true for every 4xx
// except 408 Request Timeout and 429 Too Many Requests.
func (e *RefusalError) Permanent() bool {
	return e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}

// IsRefusal reports whether err is a refusal with the given code.
func IsRefusal(err error, code string) bool {
	var r *RefusalError
	return errors.As(err, &r) && r.Code == code
}
