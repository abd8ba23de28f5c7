package look

import "sentiment/imaging"

// applyRowsGo is ApplyRows's loop in plain Go, once its arguments are
// checked and the strength is mixed into coef (g's coefficients from grid
// row lo on, or a mixed copy of them): the whole of it in a scalar build
// (apply_scalar.go), the reference the SIMD loop is tested against in a
// SIMD one (apply_simd.go).
func (g *Grid) applyRowsGo(dst, src *imaging.RGB, y0, fullH, lo int, coef []float32) {
	w, h := src.W, src.H
	n := w * h
	nx, nz := g.cx+1, g.bins+1
	stride := nz * 12 // floats per vertex column (one x, all luminances)
	row := make([]float32, nx*stride)
	colI, colF := g.columns(w, stride)
	bins := float32(g.bins)
	for y := range h {
		// The row's place in the whole image decides its models.
		iy, f := g.rowAt(y0, fullH, y)
		iy -= lo
		a := coef[iy*nx*stride : (iy+1)*nx*stride]
		b := coef[(iy+1)*nx*stride : (iy+2)*nx*stride]
		for k := range row {
			row[k] = a[k] + f*(b[k]-a[k])
		}
		sr := src.Pix[y*w : (y+1)*w]
		sg := src.Pix[n+y*w : n+(y+1)*w]
		sb := src.Pix[2*n+y*w : 2*n+(y+1)*w]
		dr := dst.Pix[y*w : (y+1)*w]
		dg := dst.Pix[n+y*w : n+(y+1)*w]
		db := dst.Pix[2*n+y*w : 2*n+(y+1)*w]
		for x := range w {
			r, gg, bb := sr[x], sg[x], sb[x]
			z := imaging.LumaOf(r, gg, bb) * bins
			iz := int(z)
			if iz >= g.bins {
				iz = g.bins - 1
			} else if iz < 0 || z != z { // below 0, or NaN
				iz = 0
			}
			fz := min(max(z-float32(iz), 0), 1)
			fx := colF[x]
			// The four models around (x, luma): the vertex columns ix and
			// ix+1 (stride apart), each at luminance iz and iz+1 (12 apart).
			o := int(colI[x]) + iz*12
			c0 := (*[24]float32)(row[o : o+24])
			c1 := (*[24]float32)(row[o+stride : o+stride+24])
			w00, w01 := (1-fx)*(1-fz), (1-fx)*fz
			w10, w11 := fx*(1-fz), fx*fz
			// Unrolled into locals: WebAssembly keeps them in registers,
			// an array would live in memory.
			m0 := w00*c0[0] + w01*c0[12] + w10*c1[0] + w11*c1[12]
			m1 := w00*c0[1] + w01*c0[13] + w10*c1[1] + w11*c1[13]
			m2 := w00*c0[2] + w01*c0[14] + w10*c1[2] + w11*c1[14]
			m3 := w00*c0[3] + w01*c0[15] + w10*c1[3] + w11*c1[15]
			m4 := w00*c0[4] + w01*c0[16] + w10*c1[4] + w11*c1[16]
			m5 := w00*c0[5] + w01*c0[17] + w10*c1[5] + w11*c1[17]
			m6 := w00*c0[6] + w01*c0[18] + w10*c1[6] + w11*c1[18]
			m7 := w00*c0[7] + w01*c0[19] + w10*c1[7] + w11*c1[19]
			m8 := w00*c0[8] + w01*c0[20] + w10*c1[8] + w11*c1[20]
			m9 := w00*c0[9] + w01*c0[21] + w10*c1[9] + w11*c1[21]
			m10 := w00*c0[10] + w01*c0[22] + w10*c1[10] + w11*c1[22]
			m11 := w00*c0[11] + w01*c0[23] + w10*c1[11] + w11*c1[23]
			dr[x] = clamp(m0*r + m1*gg + m2*bb + m3)
			dg[x] = clamp(m4*r + m5*gg + m6*bb + m7)
			db[x] = clamp(m8*r + m9*gg + m10*bb + m11)
		}
	}
}

// rowAt returns the grid row above row y of a strip that starts at row y0
// of an image fullH rows high, and the weight of the row below it: a
// row's models depend on its place in the whole image alone.
func (g *Grid) rowAt(y0, fullH, y int) (int, float32) {
	iy, fy := axis((float64(y0+y)+0.5)/float64(fullH)*float64(g.cy), g.cy+1)
	return iy, float32(fy)
}

// columns returns, for each of w pixel columns, the offset in a row of
// models (vertex columns stride floats apart) of the vertex column left of
// it and its weight on the one right of it.
func (g *Grid) columns(w, stride int) ([]int32, []float32) {
	colI := make([]int32, w)
	colF := make([]float32, w)
	for x := range w {
		i, f := axis((float64(x)+0.5)/float64(w)*float64(g.cx), g.cx+1)
		colI[x], colF[x] = int32(i*stride), float32(f)
	}
	return colI, colF
}
