package op

import (
	"fmt"

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
// k columns of the maxima over k rows. The first pass runs down whole
// input rows, contiguous, which SIMD does four columns at a time
// (colMax); the second, strided, runs along one row of column maxima per
// output row, a third of the cells the first reads. Each window's cell
// found is its first maximum in row-major order (the first NaN, where
// there is one): the first pass keeps each column's first row holding its
// maximum, the second the column whose row is the least, then the first
// such column. Its offset is kept for Backward, which is then one pass
// over the outputs.
func (f *maxPoolFn) Forward() (mat.Tensor, error) {
	h, w, hw, n := f.x.H, f.x.W, f.x.H*f.x.W, f.oh*f.ow
	x := values(f.x.Node)
	y := make([]float32, f.x.C*n)
	f.arg = make([]int32, f.x.C*n)
	// col and row hold one output row's column maxima and the input rows
	// they are in.
	col := gemm.Buffer(w)
	defer gemm.Release(col)
	row := make([]int32, w)
	for c := 0; c < f.x.C; c++ {
		plane, out, arg := x[c*hw:(c+1)*hw], y[c*n:(c+1)*n], f.arg[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			// Every window holds a cell of the map (MaxPool checks), so
			// the row range is not empty.
			y0 := oy*f.stride - f.pad
			colMax(col, row, plane, w, max(y0, 0), min(y0+f.k, h))
			o, a := out[oy*f.ow:(oy+1)*f.ow], arg[oy*f.ow:(oy+1)*f.ow]
			for ox := range o {
				x0 := ox*f.stride - f.pad
				lo, hi := max(x0, 0), min(x0+f.k, w)
				m, r, at := col[lo], row[lo], lo
				if hi-lo == 3 {
					// The networks' 3×3 windows, without a loop (a loop
					// branch is expensive in Go's WebAssembly).
					if v, ry := col[lo+1], row[lo+1]; v > m || (v == m && ry < r) || (v != v && (m == m || ry < r)) {
						m, r, at = v, ry, lo+1
					}
					if v, ry := col[lo+2], row[lo+2]; v > m || (v == m && ry < r) || (v != v && (m == m || ry < r)) {
						m, r, at = v, ry, lo+2
					}
				} else {
					for ix := lo + 1; ix < hi; ix++ {
						v, ry := col[ix], row[ix]
						if v > m || (v == m && ry < r) || (v != v && (m == m || ry < r)) {
							m, r, at = v, ry, ix
						}
					}
				}
				o[ox], a[ox] = m, r*int32(w)+int32(at)
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
