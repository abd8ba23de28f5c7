package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"

	"sentiment/imaging"
)

// engine is what the page works on: the working-size photo and reference,
// the loaded index and networks, and the last transfer's result. It knows
// nothing of JavaScript (main_js.go translates), so it is tested natively.
type engine struct {
	mu     sync.Mutex
	photo  *imaging.RGB // the working-size copy of the user's photo
	ref    *imaging.RGB // the reference whose look is borrowed
	cancel context.CancelFunc
}

// errMissing is returned by the parts of the engine that are not in this
// build yet.
var errMissing = errors.New("this part of the engine is not built yet")

// maxSide bounds each side of an image the page may hand over, so that a
// wrong size fails here and not as an out-of-memory in the wasm heap.
const maxSide = 1 << 15

// fromRGBA wraps w×h RGBA bytes (as canvas ImageData holds them:
// non-premultiplied, row order) as an imaging.RGB, checking the sizes.
func fromRGBA(pix []byte, w, h int) (*imaging.RGB, error) {
	if w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return nil, fmt.Errorf("image size %d×%d out of range", w, h)
	}
	if len(pix) != 4*w*h {
		return nil, fmt.Errorf("%d×%d image needs %d RGBA bytes, got %d", w, h, 4*w*h, len(pix))
	}
	return imaging.FromImage(&image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}), nil
}

// toRGBA returns m's pixels as opaque RGBA bytes.
func toRGBA(m *imaging.RGB) []byte { return m.NRGBA().Pix }

func (e *engine) setPhoto(pix []byte, w, h int) error {
	m, err := fromRGBA(pix, w, h)
	if err != nil {
		return fmt.Errorf("photo: %w", err)
	}
	e.mu.Lock()
	e.photo = m
	e.mu.Unlock()
	return nil
}

func (e *engine) setReference(pix []byte, w, h int) error {
	m, err := fromRGBA(pix, w, h)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	e.mu.Lock()
	e.ref = m
	e.mu.Unlock()
	return nil
}

// stop cancels the running transfer, if any.
func (e *engine) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		e.cancel()
	}
}
