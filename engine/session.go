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
	// ownFrom gives each of own its place in the list SetOwn was given,
	// which held ownGiven entries (some may not have been readable).
	ownFrom  []int
	ownGiven int
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

// Retrieve returns the q.K references of q.Adjective whose structure is
// most like the photo's (by edge maps: q.Perceptual is not the page's).
// Their pictures are relative to the index file.
func (s *Session) Retrieve(q retrieval.Query) ([]retrieval.Match, error) {
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
	q.Perceptual = nil
	return Retrieve(ix, "", photo, q)
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

// Summary is what a finished transfer reports.
type Summary struct {
	Iterations int             `json:"iterations"`
	Loss       transfer.Losses `json:"loss"` // the final loss terms
	// BlendAt are the strengths whose renderings the page blends between
	// for its slider's instant preview (look.MixKnots): between two of
	// them a rendering is linear in the strength.
	BlendAt []float32 `json:"blendAt"`
	// Mood is the light the photo was moved toward, and what it was
	// made from.
	Mood Mood `json:"mood"`
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

// Transfer optimizes the photo toward the reference's look with the
// loaded network called name, its default preset adjusted by o, and keeps
// the result for ApplyRGBA and LUT; report, if not nil, gets every
// iteration, with a preview every previewEvery (0: only the last). It
// stops with ctx's error when ctx (from Start) is cancelled.
func (s *Session) Transfer(ctx context.Context, name string, o Overrides, adjective string, previewEvery int, report func(Progress)) (Summary, error) {
	s.mu.Lock()
	photo, ref, net, ix := s.photo, s.ref, s.nets[name], s.index
	s.mu.Unlock()
	switch {
	case photo == nil:
		return Summary{}, errors.New("transfer: no photo")
	case ref == nil:
		return Summary{}, errors.New("transfer: no reference")
	case net == nil:
		return Summary{}, fmt.Errorf("transfer: the network %q is not loaded", name)
	}
	p, err := Preset("default", net, o)
	if err != nil {
		return Summary{}, err
	}
	var mood Mood
	if adjective != "" && ix != nil {
		mood, err = MoodOf(ix, photo, adjective, ref)
	} else {
		mood, err = ReferenceMood(ix, ref)
	}
	if err != nil {
		return Summary{}, err
	}
	res, err := Transfer(ctx, net, photo, ref, p, mood, previewEvery, report)
	if err != nil {
		return Summary{}, err
	}
	s.mu.Lock()
	s.result = res
	s.mu.Unlock()
	return Summary{Iterations: res.Iterations, Loss: res.End, BlendAt: look.MixKnots(), Mood: mood}, nil
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

// ApplyRGBA transforms in place the colour of the w×h RGBA pixels of
// rows y0 to y0+h−1 of a photo fullH rows high by the last result's look
// at strength s, leaving their alpha as it is (the look is of colour
// alone); a whole photo is the strip of all its rows. The page sends a
// full-size photo strip by strip, and a strip becomes floats a band of
// rows at a time, so the heap holds a strip's bytes and a band's floats,
// never the photo: the WebAssembly heap never shrinks, so its peak is
// what counts. A refused call leaves pix as it was.
func (s *Session) ApplyRGBA(pix []byte, w, h, y0, fullH int, strength float32) error {
	g, err := s.grid()
	if err != nil {
		return err
	}
	return applyRGBA(g, pix, w, h, y0, fullH, strength)
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
