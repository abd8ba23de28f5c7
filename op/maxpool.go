package op

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// MaxPool takes the maximum over k×k windows moved by stride, with pad
// cells of −∞ around the map and the output size rounded down, as torch's
// MaxPool2d with ceil_mode off. SqueezeNet 1.1 pools 3×3/2 unpadded,
// DenseNet121 3×3/2 with padding 1. The gradient goes to the first maximum
// of each window, in row-major order.
func MaxPool(x Map, k, stride, pad int) (Map, error) {
	if err := x.check(); err != nil {
		return Map{}, err
	}
	if k <= 0 || stride <= 0 || pad < 0 {
		return Map{}, fmt.Errorf("op: max pool %d×%d stride %d padding %d: size and stride must be positive, padding non-negative", k, k, stride, pad)
	}
	// As in torch: a window must hold at least one cell of the map.
	if 2*pad > k {
		return Map{}, fmt.Errorf("op: max pool padding %d exceeds half the window %d", pad, k)
	}
	if x.H+2*pad < k || x.W+2*pad < k {
		return Map{}, fmt.Errorf("op: max pool window %d×%d (padding %d) does not fit map %v", k, k, pad, x)
	}
	f := &maxPoolFn{x: x, k: k, stride: stride, pad: pad}
	f.oh = (x.H+2*pad-k)/stride + 1
	f.ow = (x.W+2*pad-k)/stride + 1
	return newMap(run(f), x.C, f.oh, f.ow), nil
}

type maxPoolFn struct {
	x              Map
	k, stride, pad int
	oh, ow         int
}

func (f *maxPoolFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

// argmax returns the index within plane of the first maximum of the window
// of output (oy, ox).
func (f *maxPoolFn) argmax(plane []float32, oy, ox int) int {
	w := f.x.W
	y0, x0 := oy*f.stride-f.pad, ox*f.stride-f.pad
	y1, x1 := min(y0+f.k, f.x.H), min(x0+f.k, w)
	y0, x0 = max(y0, 0), max(x0, 0)
	best, at := float32(math.Inf(-1)), y0*w+x0
	for iy := y0; iy < y1; iy++ {
		for ix, v := range plane[iy*w+x0 : iy*w+x1] {
			// The first NaN wins, as in torch, so that NaNs propagate.
			if v > best || (v != v && best == best) {
				best, at = v, iy*w+x0+ix
			}
		}
	}
	return at
}

func (f *maxPoolFn) Forward() (mat.Tensor, error) {
	hw, n := f.x.H*f.x.W, f.oh*f.ow
	x := values(f.x.Node)
	y := make([]float32, f.x.C*n)
	for c := 0; c < f.x.C; c++ {
		plane, out := x[c*hw:(c+1)*hw], y[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			for ox := 0; ox < f.ow; ox++ {
				out[oy*f.ow+ox] = plane[f.argmax(plane, oy, ox)]
			}
		}
	}
	return dense(y, f.x.C, n), nil
}

// Backward finds the argmax again rather than storing it in Forward: it is
// a few comparisons per output, and saves memory that would otherwise live
// as long as the graph.
func (f *maxPoolFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	hw, n := f.x.H*f.x.W, f.oh*f.ow
	x, dy := values(f.x.Node), values(gy)
	dx := gemm.Buffer(f.x.C * hw)
	defer gemm.Release(dx)
	clear(dx)
	for c := 0; c < f.x.C; c++ {
		plane, d, g := x[c*hw:(c+1)*hw], dx[c*hw:(c+1)*hw], dy[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			for ox := 0; ox < f.ow; ox++ {
				d[f.argmax(plane, oy, ox)] += g[oy*f.ow+ox]
			}
		}
	}
	accGrad(f.x.Node, dx, f.x.C, hw)
	return nil
}
