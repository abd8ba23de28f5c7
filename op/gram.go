package op

import (
	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// Gram returns the C×C Gram matrix G = F·Fᵀ of the map's C×(H·W) matrix F,
// unnormalized; scale it as the loss requires. x must be a valid map; Gram
// cannot fail on one. Both directions run on the gemm package: forward
// F·Fᵀ, backward dF = (dG + dGᵀ)·F.
func Gram(x Map) mat.Tensor {
	return run(&gramFn{x: x.Node})
}

type gramFn struct{ x mat.Tensor }

func (f *gramFn) Operands() []mat.Tensor { return []mat.Tensor{f.x} }

func (f *gramFn) Forward() (mat.Tensor, error) {
	s := f.x.Shape()
	c, n := s[0], s[1]
	x := values(f.x)
	g := make([]float32, c*c)
	gemm.MulAAt(g, x, c, n)
	return dense(g, c, c), nil
}

func (f *gramFn) Backward(gy mat.Tensor) error {
	if !f.x.RequiresGrad() {
		return nil
	}
	s := f.x.Shape()
	c, n := s[0], s[1]
	dg := values(gy)
	sym := gemm.Buffer(c * c)
	defer gemm.Release(sym)
	for i := 0; i < c; i++ {
		for j := 0; j < c; j++ {
			sym[i*c+j] = dg[i*c+j] + dg[j*c+i]
		}
	}
	dx := gemm.Buffer(c * n)
	defer gemm.Release(dx)
	gemm.Mul(dx, sym, values(f.x), c, c, n, false)
	accGrad(f.x, dx, c, n)
	return nil
}
