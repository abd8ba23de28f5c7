package look

import (
	"errors"
	"math"

	"sentiment/imaging"
)

// The fitting machinery shared by the three levels of the look (one global
// affine, a curve over luminance, the bilateral grid): a lattice of
// vertices over (x, y, luminance), each holding a 3×4 affine colour model,
// with a least-squares problem per lattice
//
//	Σ_v Σ_p w_v(p)·ρ·|A_v·x̃_p − t_p|²                (data, x̃ = (r, g, b, 1))
//	+ λ_xy Σ_{u~v spatially} |A_u − A_v|²            (smoothness)
//	+ λ_z  Σ_{u~v in luminance} |A_u − A_v|²
//	+ μ Σ_v |A_v − P_v|²                             (pull toward the prior P)
//
// where w_v(p) is pixel p's trilinear (tent) weight on vertex v and ρ the
// pixel weight that makes the data of one fully covered spatial cell sum to
// one, so that λ and μ mean the same at any working size.
//
// The data term is the local-regression form: each vertex fits the pixels
// around it, weighted by the tent, and a pixel's model is the trilinear
// blend of its vertices' models. Unlike the full bilateral-guided-upsampling
// system, where the data term couples the 8 vertices of a pixel, this
// leaves one 4×4 block per vertex: the moments splat in one pass (22
// multiply-adds per vertex per pixel) and the whole system stays a sparse
// block matrix that is cheap to apply. The tent's overlap smooths a little
// more than the exact fit, which is what a refit that must drop the
// optimization's texture wants.
//
// The three output channels share the matrix (moments of x̃ only) and have
// separate right-hand sides; each is solved by conjugate gradients with a
// block-Jacobi preconditioner (each vertex's own 4×4 block, Cholesky-
// factored), starting from the prior. The matrix is symmetric and, since
// μ > 0, positive definite, so CG converges for any data, empty cells
// included: those simply take a smooth blend of their neighbours and the
// prior. On a 384×256 photo (25×17×9 vertices) it stops after about 40
// iterations per channel.

// lattice is a system of nx·ny·nz vertices, z (luminance) fastest.
type lattice struct {
	nx, ny, nz int
	m          []float64 // per vertex: Σ ρw x̃x̃ᵀ, upper triangle (10)
	b          []float64 // per vertex: Σ ρw x̃·t_c, channel-major (c·4 + k, 12)
}

func newLattice(nx, ny, nz int) *lattice {
	v := nx * ny * nz
	return &lattice{nx: nx, ny: ny, nz: nz, m: make([]float64, 10*v), b: make([]float64, 12*v)}
}

// axis locates position g (in vertex units, 0 … n−1) between vertex i and
// i+1 with weight f on i+1. A single-vertex axis puts everything on vertex 0.
func axis(g float64, n int) (i int, f float64) {
	if n == 1 {
		return 0, 0
	}
	i = int(g)
	i = min(max(i, 0), n-2)
	return i, min(max(g-float64(i), 0), 1)
}

var errNonFinite = errors.New("look: image has non-finite samples")

// splat accumulates the tent-weighted moments of every pixel of in (guide
// and regressor) and target. A pixel row's y weights are the same for all
// its pixels, so the row is splatted in x and luminance alone into one
// row of vertices (4 of a pixel's 8 vertices), which is then added into
// the lattice's two rows of vertices around it, weighted: half the
// multiply-adds a pixel (BenchmarkFit in wasm, 384×256: the splat about
// 60 → 45 ms, the fit 128 → 116 CPU ms).
func (l *lattice) splat(in, target *imaging.RGB, rho float64) error {
	w, h := in.W, in.H
	n := w * h
	cx, cy, cz := float64(l.nx-1), float64(l.ny-1), float64(l.nz-1)
	rv := l.nx * l.nz // vertices in a row of y
	tm, tb := make([]float64, 10*rv), make([]float64, 12*rv)
	// A pixel's place in x depends on its column alone: once per column.
	colI, colF := make([]int, w), make([]float64, w)
	for x := range w {
		colI[x], colF[x] = axis((float64(x)+0.5)/float64(w)*cx, l.nx)
	}
	for y := range h {
		clear(tm)
		clear(tb)
		for x := range w {
			i := y*w + x
			r, g, b := float64(in.Pix[i]), float64(in.Pix[n+i]), float64(in.Pix[2*n+i])
			t := [3]float64{float64(target.Pix[i]), float64(target.Pix[n+i]), float64(target.Pix[2*n+i])}
			if math.IsNaN(r+g+b+t[0]+t[1]+t[2]) || math.IsInf(r+g+b+t[0]+t[1]+t[2], 0) {
				return errNonFinite
			}
			ix, fx := colI[x], colF[x]
			z := float64(imaging.LumaOf(in.Pix[i], in.Pix[n+i], in.Pix[2*n+i]))
			iz, fz := axis(z*cz, l.nz)
			// x̃x̃ᵀ's upper triangle and x̃·t_c, x̃ = (r, g, b, 1), written
			// out: a loop branch costs more than its body in WebAssembly.
			q := [10]float64{r * r, r * g, r * b, r, g * g, g * b, g, b * b, b, 1}
			s := [12]float64{r * t[0], g * t[0], b * t[0], t[0], r * t[1], g * t[1], b * t[1], t[1], r * t[2], g * t[2], b * t[2], t[2]}
			base := ix*l.nz + iz
			for dx := range 2 {
				wx := (1-fx)*float64(1-dx) + fx*float64(dx)
				for dz := range 2 {
					wt := wx * ((1-fz)*float64(1-dz) + fz*float64(dz))
					if wt == 0 {
						continue
					}
					v := base + dx*l.nz + dz
					mv, bv := (*[10]float64)(tm[10*v:10*v+10]), (*[12]float64)(tb[12*v:12*v+12])
					mv[0] += wt * q[0]
					mv[1] += wt * q[1]
					mv[2] += wt * q[2]
					mv[3] += wt * q[3]
					mv[4] += wt * q[4]
					mv[5] += wt * q[5]
					mv[6] += wt * q[6]
					mv[7] += wt * q[7]
					mv[8] += wt * q[8]
					mv[9] += wt * q[9]
					bv[0] += wt * s[0]
					bv[1] += wt * s[1]
					bv[2] += wt * s[2]
					bv[3] += wt * s[3]
					bv[4] += wt * s[4]
					bv[5] += wt * s[5]
					bv[6] += wt * s[6]
					bv[7] += wt * s[7]
					bv[8] += wt * s[8]
					bv[9] += wt * s[9]
					bv[10] += wt * s[10]
					bv[11] += wt * s[11]
				}
			}
		}
		iy, fy := axis((float64(y)+0.5)/float64(h)*cy, l.ny)
		for dy := range 2 {
			wy := ((1-fy)*float64(1-dy) + fy*float64(dy)) * rho
			if wy == 0 {
				continue
			}
			o := (iy + dy) * rv
			m, b := l.m[10*o:10*(o+rv)], l.b[12*o:12*(o+rv)]
			for k, v := range tm {
				m[k] += wy * v
			}
			for k, v := range tb {
				b[k] += wy * v
			}
		}
	}
	return nil
}

// collapse returns the moments summed over all spatial vertices and over
// groups of zGroup consecutive luminance vertices (1 keeps luminance,
// nz drops it), scaled by scale: the moments the pixels would have given a
// lattice without those axes.
func (l *lattice) collapse(zGroup int, scale float64) *lattice {
	out := newLattice(1, 1, l.nz/zGroup)
	for v := range l.nx * l.ny * l.nz {
		o := (v % l.nz) / zGroup
		for k := range 10 {
			out.m[10*o+k] += scale * l.m[10*v+k]
		}
		for k := range 12 {
			out.b[12*o+k] += scale * l.b[12*v+k]
		}
	}
	return out
}

// weights of the regularization terms of one solve.
type weights struct {
	xy, z, pull float64
}

// Solver limits: the relative residual at which CG stops, and a cap on its
// iterations (the block-Jacobi-preconditioned system of a 512-px working
// image converges in far fewer).
const (
	cgTol     = 1e-7
	cgMaxIter = 1000
)

// solve returns the vertices' affine models (12 per vertex: row-major 3×4)
// minimizing the energy above, with prior P (12 per vertex).
func (l *lattice) solve(prior []float64, wt weights) []float64 {
	nv := l.nx * l.ny * l.nz
	// Preconditioner: each vertex's diagonal block M_v + (μ + Σ edge
	// weights)·I, Cholesky-factored.
	chol := make([]float64, 10*nv)
	for v := range nv {
		d := wt.pull + l.edgeSum(v, wt)
		var a [4][4]float64
		k := 0
		for i := range 4 {
			for j := i; j < 4; j++ {
				a[i][j], a[j][i] = l.m[10*v+k], l.m[10*v+k]
				k++
			}
			a[i][i] += d
		}
		cholesky4(a, chol[10*v:10*v+10])
	}
	out := make([]float64, 12*nv)
	x := make([]float64, 4*nv)
	rhs := make([]float64, 4*nv)
	r := make([]float64, 4*nv)
	z := make([]float64, 4*nv)
	p := make([]float64, 4*nv)
	q := make([]float64, 4*nv)
	for c := range 3 {
		for v := range nv {
			for k := range 4 {
				x[4*v+k] = prior[12*v+4*c+k]
				rhs[4*v+k] = l.b[12*v+4*c+k] + wt.pull*prior[12*v+4*c+k]
			}
		}
		l.apply(q, x, wt)
		var bb float64
		for i := range r {
			r[i] = rhs[i] - q[i]
			bb += rhs[i] * rhs[i]
		}
		rz := precondition(z, r, chol)
		copy(p, z)
		// The dot products are summed in the passes that write their
		// operands (in the same order as dot would): a pass over the
		// vectors costs more than its arithmetic in WebAssembly.
		rr := dot(r, r)
		for it := 0; it < cgMaxIter && rr > cgTol*cgTol*bb; it++ {
			alpha := rz / l.apply(q, p, wt)
			rr = 0
			for i := range x {
				x[i] += alpha * p[i]
				r[i] -= alpha * q[i]
				rr += r[i] * r[i]
			}
			rz1 := precondition(z, r, chol)
			beta := rz1 / rz
			rz = rz1
			for i := range p {
				p[i] = z[i] + beta*p[i]
			}
		}
		for v := range nv {
			copy(out[12*v+4*c:12*v+4*c+4], x[4*v:4*v+4])
		}
	}
	return out
}

// edgeSum is the total weight of vertex v's regularization edges.
func (l *lattice) edgeSum(v int, wt weights) float64 {
	iz := v % l.nz
	ix := (v / l.nz) % l.nx
	iy := v / (l.nz * l.nx)
	var s float64
	for _, e := range [...]struct {
		i, n int
		w    float64
	}{{ix, l.nx, wt.xy}, {iy, l.ny, wt.xy}, {iz, l.nz, wt.z}} {
		if e.i > 0 {
			s += e.w
		}
		if e.i < e.n-1 {
			s += e.w
		}
	}
	return s
}

// apply sets dst = H·src for one channel's unknowns (4 per vertex) and
// returns src·dst.
func (l *lattice) apply(dst, src []float64, wt weights) (sd float64) {
	nz, sx, sy := l.nz, l.nz, l.nz*l.nx
	for iy := range l.ny {
		for ix := range l.nx {
			for iz := range l.nz {
				v := (iy*l.nx+ix)*nz + iz
				m := l.m[10*v : 10*v+10]
				a := src[4*v : 4*v+4]
				d := dst[4*v : 4*v+4]
				// M_v·a (symmetric, upper triangle stored) + μ·a
				d[0] = m[0]*a[0] + m[1]*a[1] + m[2]*a[2] + m[3]*a[3] + wt.pull*a[0]
				d[1] = m[1]*a[0] + m[4]*a[1] + m[5]*a[2] + m[6]*a[3] + wt.pull*a[1]
				d[2] = m[2]*a[0] + m[5]*a[1] + m[7]*a[2] + m[8]*a[3] + wt.pull*a[2]
				d[3] = m[3]*a[0] + m[6]*a[1] + m[8]*a[2] + m[9]*a[3] + wt.pull*a[3]
				// graph Laplacian: Σ w·(a_v − a_u)
				if ix > 0 {
					edge(d, a, src[4*(v-sx):], wt.xy)
				}
				if ix < l.nx-1 {
					edge(d, a, src[4*(v+sx):], wt.xy)
				}
				if iy > 0 {
					edge(d, a, src[4*(v-sy):], wt.xy)
				}
				if iy < l.ny-1 {
					edge(d, a, src[4*(v+sy):], wt.xy)
				}
				if iz > 0 {
					edge(d, a, src[4*(v-1):], wt.z)
				}
				if iz < nz-1 {
					edge(d, a, src[4*(v+1):], wt.z)
				}
				sd += a[0] * d[0]
				sd += a[1] * d[1]
				sd += a[2] * d[2]
				sd += a[3] * d[3]
			}
		}
	}
	return sd
}

// edge adds w·(a − b) to d, for the first four values of each; written
// out, as a loop of four costs more in branches than in arithmetic in
// WebAssembly.
func edge(d, a, b []float64, w float64) {
	d, a, b = d[:4], a[:4], b[:4]
	d[0] += w * (a[0] - b[0])
	d[1] += w * (a[1] - b[1])
	d[2] += w * (a[2] - b[2])
	d[3] += w * (a[3] - b[3])
}

// cholesky4 factors the symmetric positive-definite a = L·Lᵀ into l, the
// lower triangle by rows (10 values).
func cholesky4(a [4][4]float64, l []float64) {
	var L [4][4]float64
	for i := range 4 {
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := range j {
				s -= L[i][k] * L[j][k]
			}
			if i == j {
				L[i][i] = math.Sqrt(max(s, 1e-300))
			} else {
				L[i][j] = s / L[j][j]
			}
		}
	}
	k := 0
	for i := range 4 {
		for j := 0; j <= i; j++ {
			l[k] = L[i][j]
			k++
		}
	}
}

// precondition sets z = P⁻¹·r, P the block diagonal factored in chol,
// and returns r·z.
func precondition(z, r, chol []float64) (rz float64) {
	for v := 0; v < len(r)/4; v++ {
		l := chol[10*v : 10*v+10]
		b := r[4*v : 4*v+4]
		o := z[4*v : 4*v+4]
		// forward: L·y = b (rows of L: [0], [1 2], [3 4 5], [6 7 8 9])
		y0 := b[0] / l[0]
		y1 := (b[1] - l[1]*y0) / l[2]
		y2 := (b[2] - l[3]*y0 - l[4]*y1) / l[5]
		y3 := (b[3] - l[6]*y0 - l[7]*y1 - l[8]*y2) / l[9]
		// backward: Lᵀ·o = y
		o[3] = y3 / l[9]
		o[2] = (y2 - l[8]*o[3]) / l[5]
		o[1] = (y1 - l[4]*o[2] - l[7]*o[3]) / l[2]
		o[0] = (y0 - l[1]*o[1] - l[3]*o[2] - l[6]*o[3]) / l[0]
		rz += b[0] * o[0]
		rz += b[1] * o[1]
		rz += b[2] * o[2]
		rz += b[3] * o[3]
	}
	return rz
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
