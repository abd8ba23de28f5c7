package engine

import (
	"errors"

	"sentiment/transfer"
)

// inputError marks an error caused by what the caller asked for (an
// unknown name, a wrong file, a photo too small) rather than by the
// machine, so that a front end can tell them apart: the command line exits
// 2 for one and 1 for the other.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput marks err as the caller's; nil stays nil.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

// IsBadInput reports whether err, or an error it wraps, was caused by the
// request rather than by the machine: marked so by the engine, or a photo
// the transfer refuses (transfer.ImageError).
func IsBadInput(err error) bool {
	var e inputError
	var im *transfer.ImageError
	return errors.As(err, &e) || errors.As(err, &im)
}
