package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/transfer"
	"sentiment/weights"
)

// engine is what the page works on: the working-size photo and reference,
// the loaded index and networks, and the last transfer's result. It knows
// nothing of JavaScript (main_js.go translates), so it is tested natively.
type engine struct {
	mu     sync.Mutex
	photo  *imaging.RGB // the working-size copy of the user's photo
	ref    *imaging.RGB // the reference whose look is borrowed
	index  *retrieval.Index
	nets   map[string]backbone.Network
	result *transfer.Result // the last finished transfer
	cancel context.CancelFunc
}

// maxSide bounds each side of an image the page may hand over, so that a
// wrong size fails here and not as an out-of-memory in the wasm heap.
const maxSide = 1 << 15

// fromRGBA wraps w×h RGBA bytes (as canvas ImageData holds them:
// non-premultiplied, row order) as an imaging.RGB, checking the sizes.
func fromRGBA(pix []byte, w, h int) (*imaging.RGB, error) {
	if err := checkRGBA(pix, w, h); err != nil {
		return nil, err
	}
	return imaging.FromImage(&image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}), nil
}

// checkRGBA reports whether pix holds w×h RGBA pixels of a size the page
// may hand over.
func checkRGBA(pix []byte, w, h int) error {
	if w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return fmt.Errorf("image size %d×%d out of range", w, h)
	}
	if len(pix) != 4*w*h {
		return fmt.Errorf("%d×%d image needs %d RGBA bytes, got %d", w, h, 4*w*h, len(pix))
	}
	return nil
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
	size         int // working size (long side); 0 for the preset's
	iterations   int // 0 for the preset's
	previewEvery int // iterations between previews; 0 for none
}

// defaults are a network's default transfer settings, for the page's form.
type defaults struct {
	size, iterations int
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

// loadIndex reads the reference index and returns its vocabulary, each
// word with the number of references tagged with it.
func (e *engine) loadIndex(data []byte) ([]adjective, []noun, error) {
	ix, err := retrieval.Load(data)
	if err != nil {
		return nil, nil, err
	}
	adjs := map[string]int{}
	nouns := map[string]int{}
	for _, en := range ix.Entries {
		adjs[en.Adjective]++
		nouns[en.Noun]++
	}
	va := make([]adjective, len(ix.Adjectives))
	for i, a := range ix.Adjectives {
		va[i] = adjective{name: a.Name, polarity: a.Polarity.String(), count: adjs[a.Name]}
	}
	vn := make([]noun, len(ix.Nouns))
	for i, n := range ix.Nouns {
		vn[i] = noun{name: n, count: nouns[n]}
	}
	e.mu.Lock()
	e.index = ix
	e.mu.Unlock()
	return va, vn, nil
}

// retrieve returns the k references of the adjective (those of the noun
// first, if one is given) whose structure is most like the photo's. Their
// pictures are relative to the index file.
func (e *engine) retrieve(adj, noun string, k int) ([]match, error) {
	e.mu.Lock()
	ix, photo := e.index, e.photo
	e.mu.Unlock()
	switch {
	case ix == nil:
		return nil, errors.New("retrieval: no reference index")
	case photo == nil:
		return nil, errors.New("retrieval: no photo")
	case adj == "":
		return nil, errors.New("retrieval: no adjective")
	}
	ms, err := retrieval.Retrieve(ix, photo, retrieval.Query{Adjective: adj, Noun: noun, K: k})
	if err != nil {
		return nil, err
	}
	out := make([]match, len(ms))
	for i, m := range ms {
		en := m.Entry
		out[i] = match{
			picture: en.Picture, file: en.File, adjective: en.Adjective, noun: en.Noun,
			polarity: en.Polarity.String(), ssim: m.SSIM, author: en.Author, licence: en.License,
			source: en.Source, description: en.Description,
		}
	}
	return out, nil
}

// loadBackbone checks a weights file against its manifest, builds the
// network and returns its default settings.
func (e *engine) loadBackbone(name string, data, manifest []byte) (defaults, error) {
	m, err := weights.ParseManifest(manifest)
	if err != nil {
		return defaults{}, err
	}
	if m.Backbone != name {
		return defaults{}, fmt.Errorf("the manifest is for %q, not %q", m.Backbone, name)
	}
	f, err := weights.Load(data, m)
	if err != nil {
		return defaults{}, err
	}
	net, err := backbone.Open(f)
	if err != nil {
		return defaults{}, err
	}
	p, err := transfer.PresetFor("default", net)
	if err != nil {
		return defaults{}, err
	}
	e.mu.Lock()
	if e.nets == nil {
		e.nets = map[string]backbone.Network{}
	}
	e.nets[name] = net
	e.mu.Unlock()
	return defaults{size: p.Size, iterations: p.Iterations}, nil
}

// transfer optimizes the working-size photo toward the reference's look
// and keeps the fitted result for apply and lut. It stops with ctx's error
// when ctx is cancelled.
func (e *engine) transfer(ctx context.Context, opt options, report func(progress)) (summary, error) {
	e.mu.Lock()
	photo, ref, net := e.photo, e.ref, e.nets[opt.backbone]
	e.mu.Unlock()
	switch {
	case photo == nil:
		return summary{}, errors.New("transfer: no photo")
	case ref == nil:
		return summary{}, errors.New("transfer: no reference")
	case net == nil:
		return summary{}, fmt.Errorf("transfer: the network %q is not loaded", opt.backbone)
	}
	p, err := transfer.PresetFor("default", net)
	if err != nil {
		return summary{}, err
	}
	if opt.size > 0 {
		p.Size = opt.size
	}
	if opt.iterations > 0 {
		p.Iterations = opt.iterations
	}
	res, err := transfer.Run(ctx, net, photo, ref, transfer.Options{Preset: p, PreviewEvery: opt.previewEvery}, func(pr transfer.Progress) {
		report(progress{iteration: pr.Iteration, total: pr.Total, loss: lossMap(pr.Losses), preview: pr.Preview})
	})
	if err != nil {
		return summary{}, err
	}
	e.mu.Lock()
	e.result = res
	e.mu.Unlock()
	return summary{iterations: res.Iterations, loss: lossMap(res.End)}, nil
}

func lossMap(l transfer.Losses) map[string]float64 {
	return map[string]float64{"content": l.Content, "style": l.Style, "total": l.Total()}
}

// grid returns the last result's grid.
func (e *engine) grid() (*look.Grid, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.result == nil {
		return nil, errors.New("no result yet: run a transfer first")
	}
	return e.result.Grid, nil
}

// bandRows is the height of the bands in which applyRows holds pixels as
// floats: a band of a photo 32768 pixels wide is 12 MB.
const bandRows = 32

// apply transforms the w×h RGBA pixels in place by the last result at
// strength s in [0, 1].
func (e *engine) apply(pix []byte, w, h int, s float32) error {
	return e.applyRows(pix, w, h, 0, h, s)
}

// applyRows transforms in place the w×h RGBA pixels of rows y0 to y0+h−1
// of a photo fullH rows high by the last result at strength s in [0, 1].
// The page sends a full-size photo strip by strip, and a strip becomes
// floats a band of rows at a time, so the heap holds a strip's bytes and a
// band's floats, never the photo: the wasm heap never shrinks, so its peak
// is what counts.
func (e *engine) applyRows(pix []byte, w, h, y0, fullH int, s float32) error {
	g, err := e.grid()
	if err != nil {
		return err
	}
	if err := checkRGBA(pix, w, h); err != nil {
		return err
	}
	// Checked before the first band is written, so that a refused call
	// leaves pix as it was.
	if fullH > maxSide || y0 < 0 || y0 > fullH-h {
		return fmt.Errorf("rows %d to %d of an image of %d rows", y0, y0+h-1, fullH)
	}
	if !(s >= 0 && s <= 1) {
		return fmt.Errorf("strength %g, want 0 to 1", s)
	}
	for y := 0; y < h; y += bandRows {
		n := min(bandRows, h-y)
		band := pix[4*w*y : 4*w*(y+n)]
		m, err := fromRGBA(band, w, n)
		if err != nil {
			return err
		}
		if err := g.ApplyRows(m, m, y0+y, fullH, s); err != nil {
			return err
		}
		copy(band, toRGBA(m))
	}
	return nil
}

// lut returns the last result's global look at strength s as a .cube
// file.
func (e *engine) lut(s float32) (string, error) {
	g, err := e.grid()
	if err != nil {
		return "", err
	}
	if !(s >= 0 && s <= 1) {
		return "", fmt.Errorf("strength %g, want 0 to 1", s)
	}
	var b strings.Builder
	if err := look.WriteCube(&b, "sentiment transfer", g.Global().WithStrength(s).Map, look.CubeSize); err != nil {
		return "", err
	}
	return b.String(), nil
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
