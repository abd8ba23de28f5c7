package look

import (
	"fmt"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/imaging"
	"sentiment/op"
)

// Slice returns in transformed by a grid of shape s whose coefficients are
// the node coef (s.Vertices() rows of 12: each vertex's row-major 3×4
// affine, in Grid's layout), as a 3×H×W map that is differentiable with
// respect to coef. It is Grid.Apply at strength 1, clamp included, made a
// graph node: the unknown of an optimization of the look itself. in is a
// constant (the working-size input).
//
// The gradient passes the clamp as if it were not there (a straight-
// through estimate): a clipped sample has lost its structure, and only
// with a gradient can the content loss pull it back into range. Where no
// sample is clamped it is the exact gradient.
func Slice(s Shape, coef mat.Tensor, in *imaging.RGB) (op.Map, error) {
	if err := in.Validate(); err != nil {
		return op.Map{}, fmt.Errorf("look: slice: %w", err)
	}
	if err := s.checkCoef("slice", coef); err != nil {
		return op.Map{}, err
	}
	f := &sliceFn{s: s, coef: coef, in: in}
	return op.NewMap(ag.NewOperator(f).Run(), 3, in.H, in.W)
}

type sliceFn struct {
	s    Shape
	coef mat.Tensor
	in   *imaging.RGB
	// Per pixel, from Forward for Backward: the first of its eight
	// vertices and its three interpolation weights.
	base []int32
	frac [][3]float32
}

func (f *sliceFn) Operands() []mat.Tensor { return []mat.Tensor{f.coef} }

// corners returns the offsets of a pixel's eight vertices from its first
// and their weights, given its interpolation weights (x, y, luminance).
func (f *sliceFn) corners(fr [3]float32) (off [8]int, w [8]float32) {
	nz := f.s.Bins + 1
	sy := (f.s.CX + 1) * nz
	k := 0
	for dy := range 2 {
		wy := fr[1]
		if dy == 0 {
			wy = 1 - fr[1]
		}
		for dx := range 2 {
			wx := fr[0]
			if dx == 0 {
				wx = 1 - fr[0]
			}
			for dz := range 2 {
				wz := fr[2]
				if dz == 0 {
					wz = 1 - fr[2]
				}
				off[k], w[k] = dy*sy+dx*nz+dz, wy*wx*wz
				k++
			}
		}
	}
	return off, w
}

func (f *sliceFn) Forward() (mat.Tensor, error) {
	in := f.in
	n := in.W * in.H
	coef := mat.Data[float32](f.coef.Value())
	out := make([]float32, 3*n)
	f.base = make([]int32, n)
	f.frac = make([][3]float32, n)
	nx, nz := f.s.CX+1, f.s.Bins+1
	for y := range in.H {
		// The positions of ApplyRows: pixel centres across the grid.
		iy, fy := axis((float64(y)+0.5)/float64(in.H)*float64(f.s.CY), f.s.CY+1)
		for x := range in.W {
			i := y*in.W + x
			r, g, b := in.Pix[i], in.Pix[n+i], in.Pix[2*n+i]
			ix, fx := axis((float64(x)+0.5)/float64(in.W)*float64(f.s.CX), nx)
			iz, fz := axis(float64(imaging.LumaOf(r, g, b)*float32(f.s.Bins)), nz)
			base := (iy*nx+ix)*nz + iz
			fr := [3]float32{float32(fx), float32(fy), float32(fz)}
			f.base[i], f.frac[i] = int32(base), fr
			off, w := f.corners(fr)
			var m [12]float32
			for k := range 8 {
				a := coef[12*(base+off[k]) : 12*(base+off[k])+12]
				for j := range m {
					m[j] += w[k] * a[j]
				}
			}
			for c := range 3 {
				out[c*n+i] = clamp(m[4*c]*r + m[4*c+1]*g + m[4*c+2]*b + m[4*c+3])
			}
		}
	}
	return mat.NewDense[float32](mat.WithShape(3, n), mat.WithBacking(out)), nil
}

func (f *sliceFn) Backward(gy mat.Tensor) error {
	if !f.coef.RequiresGrad() {
		return nil
	}
	in := f.in
	n := in.W * in.H
	dy := mat.Data[float32](gy)
	dc := make([]float32, 12*f.s.Vertices())
	for i := range n {
		xt := [4]float32{in.Pix[i], in.Pix[n+i], in.Pix[2*n+i], 1}
		// d out_c / d A_k[c][j] = w_k · x̃_j (the clamp passed through).
		var g [12]float32
		for c := range 3 {
			for j := range 4 {
				g[4*c+j] = dy[c*n+i] * xt[j]
			}
		}
		off, w := f.corners(f.frac[i])
		base := int(f.base[i])
		for k := range 8 {
			d := dc[12*(base+off[k]) : 12*(base+off[k])+12]
			for j := range d {
				d[j] += w[k] * g[j]
			}
		}
	}
	f.coef.AccGrad(mat.NewDense[float32](mat.WithShape(f.s.Vertices(), 12), mat.WithBacking(dc)))
	return nil
}

// checkCoef checks that s is a valid shape and coef a node of its
// coefficients (a vertices×12 float32 matrix), before an operator is built
// on them: spago would stop the program on a bad shape.
func (s Shape) checkCoef(what string, coef mat.Tensor) error {
	if err := s.validate(); err != nil {
		return err
	}
	if coef == nil {
		return fmt.Errorf("look: %s of nil coefficients", what)
	}
	if d, ok := coef.Value().(*mat.Dense[float32]); !ok || len(d.Shape()) != 2 || d.Shape()[0] != s.Vertices() || d.Shape()[1] != 12 {
		return fmt.Errorf("look: %s of %v coefficients, want %d×12 float32 for a %+v grid", what, coef.Shape(), s.Vertices(), s)
	}
	return nil
}
