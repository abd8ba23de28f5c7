//go:build goexperiment.simd && wasm

package look

import (
	"simd/archsimd"

	"sentiment/imaging"
)

// applyRows is applyRowsGo (apply.go) with WebAssembly v128 arithmetic.
// A pixel's luma, luminance bin and model offset are computed four pixels
// at a time (quads); its models cannot be: WebAssembly SIMD has no gather.
// Nor has it a horizontal add, so a model's rows dotted with (r, g, b, 1)
// would be summed lane by lane. Instead each model is stored by columns,
// four floats each (the red, green and blue outputs' coefficient of one
// input, and a zero lane): a model applied to a colour is then three
// multiply-adds of columns by the broadcast r, g and b, giving the three
// outputs in one vector. The four models around a pixel are
// applied first and their outputs interpolated: applyRowsGo's trilinear
// weights in another order, so values agree to rounding, not bit for bit,
// for finite colours; an infinite channel gives 0 here (the corners'
// infinite outputs interpolated make NaN), where applyRowsGo gives 0 or 1
// by its interpolated model's sign. The page's pixels come from bytes.
// BenchmarkApply in node, CPU ns a pixel: plain Go 47.5; this, a pixel at
// a time with the luma and bin in scalar code, 30; four pixels' luma and
// bins at once, a call per pixel for its models, 17.9; a call per four
// pixels, 17.1; as here, a call per row, 15.1.
//
// Values depend on a row's place in the whole image alone, as in
// applyRowsGo, so a strip gives what the whole image gives its rows.
func (g *Grid) applyRows(dst, src *imaging.RGB, y0, fullH, lo int, coef []float32) {
	w, h := src.W, src.H
	n := w * h
	nx, nz := g.cx+1, g.bins+1
	vrow := nx * nz   // vertices in one row of the grid
	stride := nz * 16 // floats per vertex column (one x, all luminances)
	// The grid rows this strip reads (coef, from row lo on), by columns.
	tc := make([]float32, len(coef)/12*16)
	for v := range len(coef) / 12 {
		s := (*[12]float32)(coef[v*12 : v*12+12])
		d := (*[16]float32)(tc[v*16 : v*16+16])
		d[0], d[1], d[2] = s[0], s[4], s[8]
		d[4], d[5], d[6] = s[1], s[5], s[9]
		d[8], d[9], d[10] = s[2], s[6], s[10]
		d[12], d[13], d[14] = s[3], s[7], s[11]
	}
	row := make([]float32, vrow*16)
	colI, colF := g.columns(w, stride)
	kc := consts(g.bins)
	for y := range h {
		iy, f := g.rowAt(y0, fullH, y)
		a := tc[(iy-lo)*vrow*16 : (iy-lo+1)*vrow*16]
		b := tc[(iy-lo+1)*vrow*16 : (iy-lo+2)*vrow*16]
		// The row of models at this image row, interpolated in y.
		vf := archsimd.BroadcastFloat32x4(f)
		for k := 0; k+16 <= len(row) && k+16 <= len(a) && k+16 <= len(b); k += 16 {
			a0 := archsimd.LoadFloat32x4Array((*[4]float32)(a[k : k+4]))
			a1 := archsimd.LoadFloat32x4Array((*[4]float32)(a[k+4 : k+8]))
			a2 := archsimd.LoadFloat32x4Array((*[4]float32)(a[k+8 : k+12]))
			a3 := archsimd.LoadFloat32x4Array((*[4]float32)(a[k+12 : k+16]))
			a0.Add(vf.Mul(archsimd.LoadFloat32x4Array((*[4]float32)(b[k : k+4])).Sub(a0))).StoreArray((*[4]float32)(row[k : k+4]))
			a1.Add(vf.Mul(archsimd.LoadFloat32x4Array((*[4]float32)(b[k+4 : k+8])).Sub(a1))).StoreArray((*[4]float32)(row[k+4 : k+8]))
			a2.Add(vf.Mul(archsimd.LoadFloat32x4Array((*[4]float32)(b[k+8 : k+12])).Sub(a2))).StoreArray((*[4]float32)(row[k+8 : k+12]))
			a3.Add(vf.Mul(archsimd.LoadFloat32x4Array((*[4]float32)(b[k+12 : k+16])).Sub(a3))).StoreArray((*[4]float32)(row[k+12 : k+16]))
		}
		// Resliced to one length so that the compiler drops their bounds
		// checks in the loop.
		sr := src.Pix[y*w : (y+1)*w]
		sg := src.Pix[n+y*w : n+(y+1)*w][:len(sr)]
		sb := src.Pix[2*n+y*w : 2*n+(y+1)*w][:len(sr)]
		dr := dst.Pix[y*w : (y+1)*w][:len(sr)]
		dg := dst.Pix[n+y*w : n+(y+1)*w][:len(sr)]
		db := dst.Pix[2*n+y*w : 2*n+(y+1)*w][:len(sr)]
		colI, colF := colI[:len(sr)], colF[:len(sr)]
		x := len(sr) &^ 3
		quads(row, stride, sr[:x], sg[:x], sb[:x], colI[:x], colF[:x], kc, dr[:x], dg[:x], db[:x])
		if x < len(sr) {
			// The last pixels through the same arithmetic, padded.
			var r, g, b, fx, or, og, ob [4]float32
			var ci [4]int32
			copy(r[:], sr[x:])
			copy(g[:], sg[x:])
			copy(b[:], sb[x:])
			copy(ci[:], colI[x:])
			copy(fx[:], colF[x:])
			quads(row, stride, r[:], g[:], b[:], ci[:], fx[:], kc, or[:], og[:], ob[:])
			copy(dr[x:], or[:])
			copy(dg[x:], og[:])
			copy(db[x:], ob[:])
		}
	}
}

// quadConsts are the vectors quads uses, made once.
type quadConsts struct {
	kr, kg, kb, bins, zero, one archsimd.Float32x4
	top, zeroI                  archsimd.Int32x4
}

// consts returns quads' vectors for a grid of bins luminance bins.
func consts(bins int) *quadConsts {
	return &quadConsts{
		kr: archsimd.BroadcastFloat32x4(0.299), kg: archsimd.BroadcastFloat32x4(0.587), kb: archsimd.BroadcastFloat32x4(0.114),
		bins: archsimd.BroadcastFloat32x4(float32(bins)), one: archsimd.BroadcastFloat32x4(1),
		top: archsimd.BroadcastInt32x4(int32(bins - 1)),
	}
}

// quads maps pixels four at a time (the slices' length, a multiple of
// four, or what is left is not mapped): their luma, bins and offsets at
// once (lanes are pixels), then each pixel's four models (lanes are
// channels).
// The luma is imaging.LumaOf's, in its order of operations; truncation
// saturates and takes NaN to 0, as int(z) and the clamp do in
// applyRowsGo, and fz is NaN where z is, so NaN gives 0.
func quads(row []float32, stride int, sr, sg, sb []float32, ci []int32, cf []float32, k *quadConsts, dr, dg, db []float32) {
	// The slices advance so that the compiler drops the bounds checks;
	// the block works on their first four values, as arrays.
	for len(sr) >= 4 && len(sg) >= 4 && len(sb) >= 4 && len(ci) >= 4 && len(cf) >= 4 && len(dr) >= 4 && len(dg) >= 4 && len(db) >= 4 {
		{
			sr, sg, sb, ci, cf := (*[4]float32)(sr), (*[4]float32)(sg), (*[4]float32)(sb), (*[4]int32)(ci), (*[4]float32)(cf)
			dr, dg, db := (*[4]float32)(dr), (*[4]float32)(dg), (*[4]float32)(db)
			vr := archsimd.LoadFloat32x4Array(sr)
			vg := archsimd.LoadFloat32x4Array(sg)
			vb := archsimd.LoadFloat32x4Array(sb)
			z := k.kr.Mul(vr).Add(k.kg.Mul(vg)).Add(k.kb.Mul(vb)).Mul(k.bins)
			iz := z.ConvertToInt32().Min(k.top).Max(k.zeroI)
			fz := z.Sub(iz.ConvertToFloat32()).Max(k.zero).Min(k.one)
			var o [4]int32
			archsimd.LoadInt32x4Array(ci).Add(iz.ShiftAllLeft(4)).StoreArray(&o)
			var zs [4]float32
			fz.StoreArray(&zs)
			// A loop over the pixels, not a call per pixel: calls are
			// costly in Go's WebAssembly (arguments and results go
			// through memory).
			for l := range 4 {
				c0 := (*[32]float32)(row[o[l] : o[l]+32])
				c1 := (*[32]float32)(row[int(o[l])+stride : int(o[l])+stride+32])
				vr := archsimd.BroadcastFloat32x4(sr[l])
				vg := archsimd.BroadcastFloat32x4(sg[l])
				vb := archsimd.BroadcastFloat32x4(sb[l])
				p00 := archsimd.LoadFloat32x4Array((*[4]float32)(c0[0:4])).Mul(vr).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[4:8])).Mul(vg)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[8:12])).Mul(vb)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[12:16])))
				p01 := archsimd.LoadFloat32x4Array((*[4]float32)(c0[16:20])).Mul(vr).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[20:24])).Mul(vg)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[24:28])).Mul(vb)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c0[28:32])))
				p10 := archsimd.LoadFloat32x4Array((*[4]float32)(c1[0:4])).Mul(vr).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[4:8])).Mul(vg)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[8:12])).Mul(vb)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[12:16])))
				p11 := archsimd.LoadFloat32x4Array((*[4]float32)(c1[16:20])).Mul(vr).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[20:24])).Mul(vg)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[24:28])).Mul(vb)).
					Add(archsimd.LoadFloat32x4Array((*[4]float32)(c1[28:32])))
				vz := archsimd.BroadcastFloat32x4(zs[l])
				q0 := p00.Add(vz.Mul(p01.Sub(p00)))
				q1 := p10.Add(vz.Mul(p11.Sub(p10)))
				p := clampV(q0.Add(archsimd.BroadcastFloat32x4(cf[l]).Mul(q1.Sub(q0))), k)
				dr[l], dg[l], db[l] = p.GetElem(0), p.GetElem(1), p.GetElem(2)
			}
		}
		sr, sg, sb, ci, cf, dr, dg, db = sr[4:], sg[4:], sb[4:], ci[4:], cf[4:], dr[4:], dg[4:], db[4:]
	}
}

// clampV clamps to [0, 1]: not above zero (NaN included) to 0, then at
// most 1, as clamp.
func clampV(v archsimd.Float32x4, k *quadConsts) archsimd.Float32x4 {
	return v.Masked(v.Greater(k.zero)).Min(k.one)
}
