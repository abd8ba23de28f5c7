package retrieval

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/op"
)

// Features embeds a picture as a backbone's feature map at one tap: the
// "perceptual" representation the paper compares structure-based retrieval
// against. Pictures are stretched to a Size×Size square first, as edge maps
// are, so that maps of any aspect ratio line up cell for cell; the map is
// scaled to unit length so that the distance compares patterns, not
// overall activation.
type Features struct {
	Net  backbone.Network
	Tap  string // empty means the network's content tap
	Size int    // 0 means FeatureSize
}

// FeatureSize is the side of the square Features embeds at by default:
// small enough to embed the 63 references in about a second natively,
// large enough for SqueezeNet's fire5 to keep a 15×15 layout.
const FeatureSize = 128

// Embed implements Embedder.
func (f Features) Embed(m *imaging.RGB) ([]float32, error) {
	if f.Net == nil {
		return nil, fmt.Errorf("retrieval: perceptual features need a network")
	}
	size, tap := f.Size, f.Tap
	if size == 0 {
		size = FeatureSize
	}
	if tap == "" {
		tap = f.Net.DefaultTaps().Content
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	x, err := square(m, size)
	if err != nil {
		return nil, err
	}
	fs, err := f.Net.Features(x, tap)
	if err != nil {
		return nil, err
	}
	v := append([]float32(nil), fs[tap].Data()...)
	var n float64
	for _, a := range v {
		n += float64(a) * float64(a)
	}
	if n > 0 {
		s := float32(1 / math.Sqrt(n))
		for i := range v {
			v[i] *= s
		}
	}
	return v, nil
}

// square returns m stretched to a size×size square, as a network's input.
func square(m *imaging.RGB, size int) (op.Map, error) {
	sq := imaging.Resize(m, size, size)
	return op.NewMap(mat.NewDense[float32](mat.WithShape(3, size*size), mat.WithBacking(sq.Pix)), 3, size, size)
}
