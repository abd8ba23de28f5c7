package op

// The elementwise inner loops of ReLU and the channel affine map, in plain
// Go: the whole loop in a scalar build (loops_scalar.go), the tail past the
// last full vector in a SIMD one (loops_simd.go). Both give the same
// values. Lengths: every slice at least as long as the first argument.

// reluGo sets y[i] = x[i] where x[i] > 0 or is NaN (NaN passes, as in
// torch), else 0. Not the builtin max: in WebAssembly it is a call per value.
func reluGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		if !(v <= 0) {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

// affineGo sets y[i] = s·x[i] + t, then, with relu, ReLU of it.
func affineGo(y, x []float32, s, t float32, relu bool) {
	x = x[:len(y)]
	if !relu {
		for i, v := range x {
			y[i] = s*v + t
		}
		return
	}
	for i, v := range x {
		if v := s*v + t; !(v <= 0) {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

// scaleGo sets d[i] = s·g[i].
func scaleGo(d, g []float32, s float32) {
	g = g[:len(d)]
	for i, v := range g {
		d[i] = s * v
	}
}

// scaleWherePositiveGo sets d[i] = s·g[i] where y[i] > 0, else 0: the
// gradient through a ReLU whose output is y.
func scaleWherePositiveGo(d, g, y []float32, s float32) {
	g, y = g[:len(d)], y[:len(d)]
	for i, v := range y {
		if v > 0 {
			d[i] = s * g[i]
		} else {
			d[i] = 0
		}
	}
}

// colMaxGo sets m[i] to the maximum of plane[r·ld + i] over rows r in
// [lo, hi), and row[i] to the first row holding it; a NaN is the maximum
// (the first NaN's row). len(row) ≥ len(m); lo < hi.
func colMaxGo(m []float32, row []int32, plane []float32, ld, lo, hi int) {
	w := len(m)
	row = row[:w]
	copy(m, plane[lo*ld:lo*ld+w])
	for i := range row {
		row[i] = int32(lo)
	}
	for r := lo + 1; r < hi; r++ {
		src := plane[r*ld : r*ld+w]
		for i, v := range src {
			if cur := m[i]; v > cur || (v != v && cur == cur) {
				m[i], row[i] = v, int32(r)
			}
		}
	}
}

// scaledDiffGo sets d[i] = s·(x[i] − t[i]): the gradient of a squared
// distance to t.
func scaledDiffGo(d, x, t []float32, s float32) {
	x, t = x[:len(d)], t[:len(d)]
	for i, v := range x {
		d[i] = s * (v - t[i])
	}
}
