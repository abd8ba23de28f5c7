//go:build goexperiment.simd && wasm

package op

import "simd/archsimd"

// The elementwise inner loops of ReLU and the channel affine map in
// WebAssembly SIMD, sixteen values a loop (a loop branch is expensive in
// Go's WebAssembly), then four at a time, the tail in plain Go; see
// loops.go for what each computes. f32x4.max returns NaN where an operand
// is NaN, so NaN passes the ReLU as in the scalar loops.

func reluTo(y, x []float32) {
	x = x[:len(y)]
	var zero archsimd.Float32x4
	for len(x) >= 16 && len(y) >= 16 {
		archsimd.LoadFloat32x4Array((*[4]float32)(x[0:4])).Max(zero).StoreArray((*[4]float32)(y[0:4]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[4:8])).Max(zero).StoreArray((*[4]float32)(y[4:8]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[8:12])).Max(zero).StoreArray((*[4]float32)(y[8:12]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[12:16])).Max(zero).StoreArray((*[4]float32)(y[12:16]))
		x, y = x[16:], y[16:]
	}
	for len(x) >= 4 && len(y) >= 4 {
		archsimd.LoadFloat32x4Array((*[4]float32)(x[:4])).Max(zero).StoreArray((*[4]float32)(y[:4]))
		x, y = x[4:], y[4:]
	}
	reluGo(y, x)
}

func affineTo(y, x []float32, s, t float32, relu bool) {
	x = x[:len(y)]
	vs, vt := archsimd.BroadcastFloat32x4(s), archsimd.BroadcastFloat32x4(t)
	var zero archsimd.Float32x4
	if relu {
		for len(x) >= 16 && len(y) >= 16 {
			archsimd.LoadFloat32x4Array((*[4]float32)(x[0:4])).Mul(vs).Add(vt).Max(zero).StoreArray((*[4]float32)(y[0:4]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[4:8])).Mul(vs).Add(vt).Max(zero).StoreArray((*[4]float32)(y[4:8]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[8:12])).Mul(vs).Add(vt).Max(zero).StoreArray((*[4]float32)(y[8:12]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[12:16])).Mul(vs).Add(vt).Max(zero).StoreArray((*[4]float32)(y[12:16]))
			x, y = x[16:], y[16:]
		}
		for len(x) >= 4 && len(y) >= 4 {
			archsimd.LoadFloat32x4Array((*[4]float32)(x[:4])).Mul(vs).Add(vt).Max(zero).StoreArray((*[4]float32)(y[:4]))
			x, y = x[4:], y[4:]
		}
	} else {
		for len(x) >= 16 && len(y) >= 16 {
			archsimd.LoadFloat32x4Array((*[4]float32)(x[0:4])).Mul(vs).Add(vt).StoreArray((*[4]float32)(y[0:4]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[4:8])).Mul(vs).Add(vt).StoreArray((*[4]float32)(y[4:8]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[8:12])).Mul(vs).Add(vt).StoreArray((*[4]float32)(y[8:12]))
			archsimd.LoadFloat32x4Array((*[4]float32)(x[12:16])).Mul(vs).Add(vt).StoreArray((*[4]float32)(y[12:16]))
			x, y = x[16:], y[16:]
		}
		for len(x) >= 4 && len(y) >= 4 {
			archsimd.LoadFloat32x4Array((*[4]float32)(x[:4])).Mul(vs).Add(vt).StoreArray((*[4]float32)(y[:4]))
			x, y = x[4:], y[4:]
		}
	}
	affineGo(y, x, s, t, relu)
}

func scaleTo(d, g []float32, s float32) {
	g = g[:len(d)]
	vs := archsimd.BroadcastFloat32x4(s)
	for len(g) >= 16 && len(d) >= 16 {
		archsimd.LoadFloat32x4Array((*[4]float32)(g[0:4])).Mul(vs).StoreArray((*[4]float32)(d[0:4]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[4:8])).Mul(vs).StoreArray((*[4]float32)(d[4:8]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[8:12])).Mul(vs).StoreArray((*[4]float32)(d[8:12]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[12:16])).Mul(vs).StoreArray((*[4]float32)(d[12:16]))
		g, d = g[16:], d[16:]
	}
	for len(g) >= 4 && len(d) >= 4 {
		archsimd.LoadFloat32x4Array((*[4]float32)(g[:4])).Mul(vs).StoreArray((*[4]float32)(d[:4]))
		g, d = g[4:], d[4:]
	}
	scaleGo(d, g, s)
}

func scaleWherePositive(d, g, y []float32, s float32) {
	g, y = g[:len(d)], y[:len(d)]
	vs := archsimd.BroadcastFloat32x4(s)
	var zero archsimd.Float32x4
	for len(y) >= 16 && len(g) >= 16 && len(d) >= 16 {
		archsimd.LoadFloat32x4Array((*[4]float32)(g[0:4])).Mul(vs).Masked(archsimd.LoadFloat32x4Array((*[4]float32)(y[0:4])).Greater(zero)).StoreArray((*[4]float32)(d[0:4]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[4:8])).Mul(vs).Masked(archsimd.LoadFloat32x4Array((*[4]float32)(y[4:8])).Greater(zero)).StoreArray((*[4]float32)(d[4:8]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[8:12])).Mul(vs).Masked(archsimd.LoadFloat32x4Array((*[4]float32)(y[8:12])).Greater(zero)).StoreArray((*[4]float32)(d[8:12]))
		archsimd.LoadFloat32x4Array((*[4]float32)(g[12:16])).Mul(vs).Masked(archsimd.LoadFloat32x4Array((*[4]float32)(y[12:16])).Greater(zero)).StoreArray((*[4]float32)(d[12:16]))
		y, g, d = y[16:], g[16:], d[16:]
	}
	for len(y) >= 4 && len(g) >= 4 && len(d) >= 4 {
		pos := archsimd.LoadFloat32x4Array((*[4]float32)(y[:4])).Greater(zero)
		archsimd.LoadFloat32x4Array((*[4]float32)(g[:4])).Mul(vs).Masked(pos).StoreArray((*[4]float32)(d[:4]))
		y, g, d = y[4:], g[4:], d[4:]
	}
	scaleWherePositiveGo(d, g, y, s)
}

func scaledDiff(d, x, t []float32, s float32) {
	x, t = x[:len(d)], t[:len(d)]
	vs := archsimd.BroadcastFloat32x4(s)
	for len(x) >= 16 && len(t) >= 16 && len(d) >= 16 {
		archsimd.LoadFloat32x4Array((*[4]float32)(x[0:4])).Sub(archsimd.LoadFloat32x4Array((*[4]float32)(t[0:4]))).Mul(vs).StoreArray((*[4]float32)(d[0:4]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[4:8])).Sub(archsimd.LoadFloat32x4Array((*[4]float32)(t[4:8]))).Mul(vs).StoreArray((*[4]float32)(d[4:8]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[8:12])).Sub(archsimd.LoadFloat32x4Array((*[4]float32)(t[8:12]))).Mul(vs).StoreArray((*[4]float32)(d[8:12]))
		archsimd.LoadFloat32x4Array((*[4]float32)(x[12:16])).Sub(archsimd.LoadFloat32x4Array((*[4]float32)(t[12:16]))).Mul(vs).StoreArray((*[4]float32)(d[12:16]))
		x, t, d = x[16:], t[16:], d[16:]
	}
	for len(x) >= 4 && len(t) >= 4 && len(d) >= 4 {
		a := archsimd.LoadFloat32x4Array((*[4]float32)(x[:4]))
		b := archsimd.LoadFloat32x4Array((*[4]float32)(t[:4]))
		a.Sub(b).Mul(vs).StoreArray((*[4]float32)(d[:4]))
		x, t, d = x[4:], t[4:], d[4:]
	}
	scaledDiffGo(d, x, t, s)
}

// colMax reads four columns at a time down the rows; the first row is
// taken whole, and a later one replaces it where it is greater or NaN
// over a number, as in colMaxGo.
func colMax(m []float32, row []int32, plane []float32, ld, lo, hi int) {
	w := len(m)
	row = row[:w]
	i := 0
	if hi-lo == 3 {
		// The networks' 3×3 windows, without a loop over the rows.
		p0, p1, p2 := plane[lo*ld:lo*ld+w], plane[(lo+1)*ld:(lo+1)*ld+w], plane[(lo+2)*ld:(lo+2)*ld+w]
		r0, r1, r2 := archsimd.BroadcastInt32x4(int32(lo)), archsimd.BroadcastInt32x4(int32(lo+1)), archsimd.BroadcastInt32x4(int32(lo+2))
		for ; i+4 <= w; i += 4 {
			cur := archsimd.LoadFloat32x4Array((*[4]float32)(p0[i : i+4]))
			v := archsimd.LoadFloat32x4Array((*[4]float32)(p1[i : i+4]))
			take := v.Greater(cur).Or(v.NotEqual(v).AndNot(cur.NotEqual(cur)))
			cur, at := v.IfElse(take, cur), r1.IfElse(take, r0)
			v = archsimd.LoadFloat32x4Array((*[4]float32)(p2[i : i+4]))
			take = v.Greater(cur).Or(v.NotEqual(v).AndNot(cur.NotEqual(cur)))
			v.IfElse(take, cur).StoreArray((*[4]float32)(m[i : i+4]))
			r2.IfElse(take, at).StoreArray((*[4]int32)(row[i : i+4]))
		}
	}
	for ; i+4 <= w; i += 4 {
		cur := archsimd.LoadFloat32x4Array((*[4]float32)(plane[lo*ld+i : lo*ld+i+4]))
		at := archsimd.BroadcastInt32x4(int32(lo))
		for r := lo + 1; r < hi; r++ {
			v := archsimd.LoadFloat32x4Array((*[4]float32)(plane[r*ld+i : r*ld+i+4]))
			take := v.Greater(cur).Or(v.NotEqual(v).AndNot(cur.NotEqual(cur)))
			cur = v.IfElse(take, cur)
			at = archsimd.BroadcastInt32x4(int32(r)).IfElse(take, at)
		}
		cur.StoreArray((*[4]float32)(m[i : i+4]))
		at.StoreArray((*[4]int32)(row[i : i+4]))
	}
	if i < w {
		colMaxGo(m[i:], row[i:], plane[i:], ld, lo, hi)
	}
}
