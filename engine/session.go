package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/transfer"
)

// Session is what the page works on between calls: the working-size
// photo and reference, the loaded index and networks, the last transfer's
// result and the running transfer. It knows nothing of JavaScript (the
// wasm bridge translates), so it is tested natively. Its methods are safe
// for concurrent use.
type Session struct {
	mu     sync.Mutex
	photo  *imaging.RGB // the working-size copy of the user's photo
	ref    *imaging.RGB // the reference whose look is borrowed
	index  *retrieval.Index
	nets   map[string]backbone.Network
	result *transfer.Result // the last finished transfer
	cancel context.CancelFunc

	// shipped is the index the site ships; index is it with the user's
	// own references after its entries (SetOwn).
	shipped *retrieval.Index
	own     []retrieval.Entry
}

// SetPhoto sets the photo from w×h RGBA bytes.
func (s *Session) SetPhoto(pix []byte, w, h int) error { return s.set(&s.photo, "photo", pix, w, h) }

// SetReference sets the reference from w×h RGBA bytes.
func (s *Session) SetReference(pix []byte, w, h int) error {
	return s.set(&s.ref, "reference", pix, w, h)
}

// set sets *dst, the photo or the reference, from w×h RGBA bytes; a
// refused image leaves it as it was.
func (s *Session) set(dst **imaging.RGB, what string, pix []byte, w, h int) error {
	m, err := FromRGBA(pix, w, h)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	s.mu.Lock()
	*dst = m
	s.mu.Unlock()
	return nil
}

// LoadIndex reads a reference index file and returns its vocabulary.
func (s *Session) LoadIndex(data []byte) (retrieval.Vocabulary, error) {
	ix, err := retrieval.Load(data)
	if err != nil {
		return retrieval.Vocabulary{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all, err := ix.With(s.own)
	if err != nil {
		return retrieval.Vocabulary{}, err
	}
	s.shipped, s.index = ix, all
	return all.Vocabulary(), nil
}

// Query is a retrieval request from the page.
type Query struct {
	Adjective string `json:"adjective"`
	Noun      string `json:"noun"` // if not empty, its references come first
	K         int    `json:"k"`
}

// Retrieve returns the k references of the adjective whose structure is
// most like the photo's. Their pictures are relative to the index file.
func (s *Session) Retrieve(q Query) ([]retrieval.Match, error) {
	s.mu.Lock()
	ix, photo := s.index, s.photo
	s.mu.Unlock()
	switch {
	case ix == nil:
		return nil, errors.New("retrieval: no reference index")
	case photo == nil:
		return nil, errors.New("retrieval: no photo")
	case q.Adjective == "":
		return nil, badInput(errors.New("retrieval: no adjective"))
	}
	return Retrieve(ix, "", photo, retrieval.Query{Adjective: q.Adjective, Noun: q.Noun, K: q.K})
}

// Defaults are a network's default transfer settings, for the page's
// form.
type Defaults struct {
	Size       int `json:"size"` // the optimization's working size (long side)
	Iterations int `json:"iterations"`
	// Strength is how much of the look a result opens with (the preset's
	// Strength): 1 is the full mood, which the slider reaches.
	Strength float64 `json:"strength"`
}

// LoadBackbone builds the named network from weights checked against
// their manifest and returns its default settings.
func (s *Session) LoadBackbone(name string, data, manifest []byte) (Defaults, error) {
	net, err := OpenBytes(name, data, manifest)
	if err != nil {
		return Defaults{}, err
	}
	p, err := Preset("default", net, Keep)
	if err != nil {
		return Defaults{}, err
	}
	s.mu.Lock()
	if s.nets == nil {
		s.nets = map[string]backbone.Network{}
	}
	s.nets[name] = net
	s.mu.Unlock()
	return Defaults{Size: p.Size, Iterations: p.Iterations, Strength: p.Strength}, nil
}

// Options are the page's transfer settings; a zero size or iteration
// count keeps the preset's.
type Options struct {
	Backbone     string `json:"backbone"`
	Size         int    `json:"size"`
	Iterations   int    `json:"iterations"`
	PreviewEvery int    `json:"previewEvery"` // iterations between previews; 0 for none
}

// Loss is the loss terms of one iterate, as the page shows them.
type Loss struct {
	Content float64 `json:"content"`
	Style   float64 `json:"style"`
	Total   float64 `json:"total"`
}

func lossOf(l transfer.Losses) Loss { return Loss{l.Content, l.Style, l.Total()} }

// Step is one iteration of a running transfer.
type Step struct {
	Iteration int          `json:"iteration"`
	Total     int          `json:"total"`
	Loss      Loss         `json:"loss"`
	Preview   *imaging.RGB `json:"-"` // every Options.PreviewEvery iterations, else nil
}

// Summary is what a finished transfer reports.
type Summary struct {
	Iterations int  `json:"iterations"`
	Loss       Loss `json:"loss"` // the final loss terms
}

// Start registers a new transfer and returns its context, which Cancel
// cancels, and the function that ends it (once; later calls do nothing);
// a second transfer is refused while one runs. The page's bridge starts a transfer before handing it to
// a goroutine, so that a cancel sent at once is not lost.
func (s *Session) Start() (context.Context, func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		cancel()
		return nil, nil, errors.New("a transfer is already running")
	}
	s.cancel = cancel
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			cancel()
			s.mu.Lock()
			s.cancel = nil
			s.mu.Unlock()
		})
	}, nil
}

// Cancel stops the running transfer, if any.
func (s *Session) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// Transfer optimizes the photo toward the reference's look and keeps the
// result for ApplyRGBA and LUT; report, if not nil, gets every iteration.
// It stops with ctx's error when ctx (from Start) is cancelled.
func (s *Session) Transfer(ctx context.Context, o Options, report func(Step)) (Summary, error) {
	s.mu.Lock()
	photo, ref, net := s.photo, s.ref, s.nets[o.Backbone]
	s.mu.Unlock()
	switch {
	case photo == nil:
		return Summary{}, errors.New("transfer: no photo")
	case ref == nil:
		return Summary{}, errors.New("transfer: no reference")
	case net == nil:
		return Summary{}, fmt.Errorf("transfer: the network %q is not loaded", o.Backbone)
	}
	over := Keep
	if o.Size > 0 {
		over.Size = o.Size
	}
	if o.Iterations > 0 {
		over.Iterations = o.Iterations
	}
	p, err := Preset("default", net, over)
	if err != nil {
		return Summary{}, err
	}
	res, err := Transfer(ctx, net, photo, ref, p, o.PreviewEvery, func(pr Progress) {
		if report != nil {
			report(Step{Iteration: pr.Iteration, Total: pr.Total, Loss: lossOf(pr.Losses), Preview: pr.Preview})
		}
	})
	if err != nil {
		return Summary{}, err
	}
	s.mu.Lock()
	s.result = res
	s.mu.Unlock()
	return Summary{Iterations: res.Iterations, Loss: lossOf(res.End)}, nil
}

// grid returns the last result's grid.
func (s *Session) grid() (*look.Grid, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.result == nil {
		return nil, errors.New("no result yet: run a transfer first")
	}
	return s.result.Grid, nil
}

// ApplyRGBA transforms a strip of a photo's RGBA rows in place by the last
// result (see the function ApplyRGBA); a whole photo is the strip of all
// its rows.
func (s *Session) ApplyRGBA(pix []byte, w, h, y0, fullH int, strength float32) error {
	g, err := s.grid()
	if err != nil {
		return err
	}
	return ApplyRGBA(g, pix, w, h, y0, fullH, strength)
}

// LUT returns the last result's global look at strength s as a .cube
// file.
func (s *Session) LUT(strength float32) (string, error) {
	g, err := s.grid()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := WriteLUT(&b, g, strength); err != nil {
		return "", err
	}
	return b.String(), nil
}
