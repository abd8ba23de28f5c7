package op

import (
	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// GlobalAvgPool averages each channel of x over all its pixels, giving a
// C×1×1 map. x must be a valid map; GlobalAvgPool cannot fail on one.
func GlobalAvgPool(x Map) Map {
	return newMap(run(&globalAvgPoolFn{x: x.Node}), x.C, 1, 1)
}

type globalAvgPoolFn struct{ x mat.Tensor }

func (f *globalAvgPoolFn) Operands() []mat.Tensor { return []mat.Tensor{f.x} }

func (f *globalAvgPoolFn) Forward() (mat.Tensor, error) {
	s := f.x.Shape()
	c, n := s[0], s[1]
	x := values(f.x)
	y := make([]float32, c)
	for i := range y {
		// Sum in float64: a channel may hold tens of thousands of pixels.
		var sum float64
		for _, v := range x[i*n : (i+1)*n] {
			sum += float64(v)
		}
		y[i] = float32(sum / float64(n))
	}
	return dense(y, c, 1), nil
}

func (f *globalAvgPoolFn) Backward(gy mat.Tensor) error {
	if !f.x.RequiresGrad() {
		return nil
	}
	s := f.x.Shape()
	c, n := s[0], s[1]
	dy := values(gy)
	dx := gemm.Buffer(c * n)
	defer gemm.Release(dx)
	for i, g := range dy[:c] {
		v := g / float32(n)
		row := dx[i*n : (i+1)*n]
		for j := range row {
			row[j] = v
		}
	}
	accGrad(f.x, dx, c, n)
	return nil
}
