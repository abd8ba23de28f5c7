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

// options are the page's transfer settings.
type options struct {
	backbone     string
	iterations   int
	previewEvery int // iterations between previews; 0 for none
}

// progress is one iteration of a running transfer.
type progress struct {
	iteration, total int
	loss             map[string]float64 // the loss terms by name
	preview          *imaging.RGB       // every previewEvery iterations, else nil
}

// summary is what a finished transfer reports.
type summary struct {
	iterations int
	loss       map[string]float64 // the final loss terms
}

// adjective is one word of the index's vocabulary.
type adjective struct {
	name, polarity string
	count          int // references tagged with it
}

// noun is one subject of the index's vocabulary.
type noun struct {
	name  string
	count int
}

// match is one retrieved reference.
type match struct {
	picture                                    string // URL of its working-size picture, relative to the site
	adjective, noun, polarity                  string
	ssim                                       float64
	author, licence, source, description, file string
}

// loadIndex reads the reference index and returns its vocabulary.
func (e *engine) loadIndex(data []byte) ([]adjective, []noun, error) {
	return nil, nil, fmt.Errorf("reference index: %w", errMissing)
}

// retrieve returns the k references of the adjective (and the noun first,
// if given) whose structure is most like the photo's.
func (e *engine) retrieve(adj, noun string, k int) ([]match, error) {
	return nil, fmt.Errorf("retrieval: %w", errMissing)
}

// loadBackbone checks a weights file against its manifest and builds the
// network.
func (e *engine) loadBackbone(name string, data, manifest []byte) error {
	return fmt.Errorf("networks: %w", errMissing)
}

// transfer optimizes the working-size photo toward the reference's look
// and keeps the fitted result for apply and lut. It stops with ctx's error
// when ctx is cancelled.
func (e *engine) transfer(ctx context.Context, opt options, report func(progress)) (summary, error) {
	return summary{}, fmt.Errorf("transfer: %w", errMissing)
}

// apply transforms the w×h RGBA pixels in place by the last result at
// strength s in [0, 1].
func (e *engine) apply(pix []byte, w, h int, s float32) error {
	return fmt.Errorf("apply: %w", errMissing)
}

// lut returns the last result's global look at strength s as a .cube
// file.
func (e *engine) lut(s float32) (string, error) {
	return "", fmt.Errorf("LUT: %w", errMissing)
}

// begin registers the cancel function of a new transfer, refusing a second
// one while one runs.
func (e *engine) begin(cancel context.CancelFunc) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		return errors.New("a transfer is already running")
	}
	e.cancel = cancel
	return nil
}

// end forgets the running transfer.
func (e *engine) end() {
	e.mu.Lock()
	e.cancel = nil
	e.mu.Unlock()
}
