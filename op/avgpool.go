package op

import (
	"fmt"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// AvgPool averages k×k windows moved by stride, without padding, the output
// size rounded down (DenseNet's transitions pool 2×2/2).
func AvgPool(x Map, k, stride int) (Map, error) {
	if err := x.check(); err != nil {
		return Map{}, err
	}
	if k <= 0 || stride <= 0 {
		return Map{}, fmt.Errorf("op: average pool %d×%d stride %d: size and stride must be positive", k, k, stride)
	}
	if x.H < k || x.W < k {
		return Map{}, fmt.Errorf("op: average pool window %d×%d does not fit map %v", k, k, x)
	}
	f := &avgPoolFn{x: x, k: k, stride: stride, oh: (x.H-k)/stride + 1, ow: (x.W-k)/stride + 1}
	return newMap(run(f), x.C, f.oh, f.ow), nil
}

type avgPoolFn struct {
	x                 Map
	k, stride, oh, ow int
}

func (f *avgPoolFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

func (f *avgPoolFn) Forward() (mat.Tensor, error) {
	w, hw, n := f.x.W, f.x.H*f.x.W, f.oh*f.ow
	inv := 1 / float32(f.k*f.k)
	x := values(f.x.Node)
	y := make([]float32, f.x.C*n)
	for c := 0; c < f.x.C; c++ {
		plane, out := x[c*hw:(c+1)*hw], y[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			for ox := 0; ox < f.ow; ox++ {
				var s float32
				for iy := oy * f.stride; iy < oy*f.stride+f.k; iy++ {
					for _, v := range plane[iy*w+ox*f.stride : iy*w+ox*f.stride+f.k] {
						s += v
					}
				}
				out[oy*f.ow+ox] = s * inv
			}
		}
	}
	return dense(y, f.x.C, n), nil
}

func (f *avgPoolFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	w, hw, n := f.x.W, f.x.H*f.x.W, f.oh*f.ow
	inv := 1 / float32(f.k*f.k)
	dy := values(gy)
	dx := gemm.Buffer(f.x.C * hw)
	defer gemm.Release(dx)
	clear(dx)
	for c := 0; c < f.x.C; c++ {
		d, g := dx[c*hw:(c+1)*hw], dy[c*n:(c+1)*n]
		for oy := 0; oy < f.oh; oy++ {
			for ox := 0; ox < f.ow; ox++ {
				v := g[oy*f.ow+ox] * inv
				for iy := oy * f.stride; iy < oy*f.stride+f.k; iy++ {
					row := d[iy*w+ox*f.stride : iy*w+ox*f.stride+f.k]
					for i := range row {
						row[i] += v
					}
				}
			}
		}
	}
	accGrad(f.x.Node, dx, f.x.C, hw)
	return nil
}
