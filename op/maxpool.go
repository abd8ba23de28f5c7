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
	// arg holds, for each output, the offset in its input plane of the
	// cell that Backward routes its gradient to.
	arg []int32
}

func (f *maxPoolFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

// Forward is separable: the maximum over a k×k window is the maximum over
// k rows of the maxima over k columns. Each pass runs along a whole output
// row, so the loops are long; a loop per window is slow in WebAssembly.
// Both passes keep the first maximum (the first NaN, where there is one),
// so that the cell found is the window's first in row-major order; its
// offset is kept for Backward, which is then one pass over the outputs.
func (f *maxPoolFn) Forward() (mat.Tensor, error) {
	h, w, hw, n := f.x.H, f.x.W, f.x.H*f.x.W, f.oh*f.ow
	x := values(f.x.Node)
	y := make([]float32, f.x.C*n)
	f.arg = make([]int32, f.x.C*n)
	// rows and cols hold the column maxima of every input row of one
	// channel and the columns they are in.
	rows := gemm.Buffer(h * f.ow)
	defer gemm.Release(rows)
	cols := make([]int32, h*f.ow)
	negInf := float32(math.Inf(-1))
	for c := 0; c < f.x.C; c++ {
		plane, out, arg := x[c*hw:(c+1)*hw], y[c*n:(c+1)*n], f.arg[c*n:(c+1)*n]
		for iy := 0; iy < h; iy++ {
			in := plane[iy*w : (iy+1)*w]
			r, rc := rows[iy*f.ow:(iy+1)*f.ow], cols[iy*f.ow:(iy+1)*f.ow]
			for i := range r {
				r[i], rc[i] = negInf, -1
			}
			for kx := 0; kx < f.k; kx++ {
				lo, hi := validRange(kx, f.stride, f.pad, w, f.ow)
				ix := lo*f.stride - f.pad + kx
				for ox := lo; ox < hi; ox++ {
					if v, m := in[ix], r[ox]; v > m || rc[ox] < 0 || (v != v && m == m) {
						r[ox], rc[ox] = v, int32(ix)
					}
					ix += f.stride
				}
			}
		}
		for oy := 0; oy < f.oh; oy++ {
			o, a := out[oy*f.ow:(oy+1)*f.ow], arg[oy*f.ow:(oy+1)*f.ow]
			for i := range o {
				o[i], a[i] = negInf, -1
			}
			for ky := 0; ky < f.k; ky++ {
				iy := oy*f.stride - f.pad + ky
				if iy < 0 || iy >= h {
					continue
				}
				rc := cols[iy*f.ow : (iy+1)*f.ow]
				for ox, v := range rows[iy*f.ow : (iy+1)*f.ow] {
					if m := o[ox]; v > m || a[ox] < 0 || (v != v && m == m) {
						o[ox], a[ox] = v, int32(iy*w)+rc[ox]
					}
				}
			}
		}
	}
	return dense(y, f.x.C, n), nil
}

// Backward routes each output's gradient to the first cell of its window,
// in row-major order, that holds the output's value: the first maximum,
// which Forward found.
func (f *maxPoolFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	hw, n := f.x.H*f.x.W, f.oh*f.ow
	dy := values(gy)
	dx := gemm.Buffer(f.x.C * hw)
	defer gemm.Release(dx)
	clear(dx)
	for c := 0; c < f.x.C; c++ {
		d := dx[c*hw : (c+1)*hw]
		g := dy[c*n : (c+1)*n]
		for o, i := range f.arg[c*n : (c+1)*n] {
			d[i] += g[o]
		}
	}
	accGrad(f.x.Node, dx, f.x.C, hw)
	return nil
}
