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
	y              []float32 // the output, whose values Backward looks for
}

func (f *maxPoolFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

// Forward is separable: the maximum over a k×k window is the maximum over
// k rows of the maxima over k columns. Each pass runs along a whole output
// row, so the loops are long; a loop per window is slow in WebAssembly.
func (f *maxPoolFn) Forward() (mat.Tensor, error) {
	h, w, hw, n := f.x.H, f.x.W, f.x.H*f.x.W, f.oh*f.ow
	x := values(f.x.Node)
	y := make([]float32, f.x.C*n)
	// rows holds the column maxima of every input row of one channel.
	rows := gemm.Buffer(h * f.ow)
	defer gemm.Release(rows)
	negInf := float32(math.Inf(-1))
	for c := 0; c < f.x.C; c++ {
		plane, out := x[c*hw:(c+1)*hw], y[c*n:(c+1)*n]
		for iy := 0; iy < h; iy++ {
			in, r := plane[iy*w:(iy+1)*w], rows[iy*f.ow:(iy+1)*f.ow]
			for i := range r {
				r[i] = negInf
			}
			for kx := 0; kx < f.k; kx++ {
				lo, hi := validRange(kx, f.stride, f.pad, w, f.ow)
				ix := lo*f.stride - f.pad + kx
				for ox := lo; ox < hi; ox++ {
					if v := in[ix]; v > r[ox] || v != v {
						r[ox] = v
					}
					ix += f.stride
				}
			}
		}
		for oy := 0; oy < f.oh; oy++ {
			o := out[oy*f.ow : (oy+1)*f.ow]
			for i := range o {
				o[i] = negInf
			}
			for ky := 0; ky < f.k; ky++ {
				iy := oy*f.stride - f.pad + ky
				if iy < 0 || iy >= h {
					continue
				}
				for ox, v := range rows[iy*f.ow : (iy+1)*f.ow] {
					if v > o[ox] || v != v {
						o[ox] = v
					}
				}
			}
		}
	}
	f.y = y
	return dense(y, f.x.C, n), nil
}

// Backward routes each output's gradient to the first cell of its window,
// in row-major order, that holds the output's value: the first maximum.
// It searches again rather than storing argmaxes in Forward, pass by pass
// along whole output rows like Forward.
func (f *maxPoolFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	h, w, hw, n := f.x.H, f.x.W, f.x.H*f.x.W, f.oh*f.ow
	x, dy := values(f.x.Node), values(gy)
	dx := gemm.Buffer(f.x.C * hw)
	defer gemm.Release(dx)
	clear(dx)
	// found marks the outputs of the current row whose maximum is placed.
	found := make([]bool, f.ow)
	for c := 0; c < f.x.C; c++ {
		plane, d := x[c*hw:(c+1)*hw], dx[c*hw:(c+1)*hw]
		y, g := f.y[c*n:(c+1)*n], dy[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			yr, gr := y[oy*f.ow:(oy+1)*f.ow], g[oy*f.ow:(oy+1)*f.ow]
			clear(found)
			for ky := 0; ky < f.k; ky++ {
				iy := oy*f.stride - f.pad + ky
				if iy < 0 || iy >= h {
					continue
				}
				in, dr := plane[iy*w:(iy+1)*w], d[iy*w:(iy+1)*w]
				for kx := 0; kx < f.k; kx++ {
					lo, hi := validRange(kx, f.stride, f.pad, w, f.ow)
					ix := lo*f.stride - f.pad + kx
					for ox := lo; ox < hi; ox++ {
						if v := in[ix]; !found[ox] && (v == yr[ox] || v != v) {
							found[ox] = true
							dr[ix] += gr[ox]
						}
						ix += f.stride
					}
				}
			}
		}
	}
	accGrad(f.x.Node, dx, f.x.C, hw)
	return nil
}
