package queue

import (
	"errors"
	"fmt"
)

// Kind classifies an Error so that adapters can map it (to an HTTP status,
// a nack code on a device) in one place.
type Kind int

const (
	Invalid     Kind = iota + 1 // the request itself is wrong
	NotFound                    // no such ticket, window, staff or service
	Forbidden                   // not this clerk's window
	Conflict                    // not possible in the current state
	Unavailable                 // the log cannot be written
)

// Error is a domain error. Code is a stable machine-readable name; Message
// is Chinese, for the person at the screen.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("queue: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("queue: %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of a domain error, or 0 for any other error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
