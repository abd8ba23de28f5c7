//go:build goexperiment.simd && wasm

package gemm

import "simd/archsimd"

// Register block of the SIMD micro-kernel: mr rows of A by nr columns of
// B, eight Float32x4 accumulators (four rows of two vectors). Per step of
// k it loads two vectors of B and broadcasts four values of A: 16 lanes
// of multiply-add for 6 loads, against 8 for 6 in the scalar 2×4 tile.
const (
	mr = 4
	nr = 8
)

// kernel computes a row of count mr×nr tiles, C = Ap·Bp, storing into c
// (rows ldc apart, tiles nr columns apart) when store is set, adding
// otherwise. ap is one panel from packA, depth = len(ap)/mr steps of k;
// bp holds count consecutive panels from packB of the same depth.
//
// It is the scalar kernel's loop with WebAssembly v128 arithmetic: slices
// advance so that the compiler drops bounds checks, and the k loop is
// unrolled four times because a loop branch in Go's WebAssembly is
// expensive (a SqueezeNet iteration in node: GEMM 46 → 42 ms, Gram 40 →
// 37 ms against twice).
// There is no fused multiply-add in WebAssembly SIMD: each step is a Mul
// and an Add, rounded twice, as in the scalar kernel.
func kernel(ap, bp, c []float32, ldc, count int, store bool) {
	depth := len(ap) / mr
	for t := 0; t < count; t++ {
		ap := ap
		bp := bp[t*nr*depth : (t+1)*nr*depth]
		var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4
		for len(ap) >= 4*mr && len(bp) >= 4*nr {
			var a, b0, b1 archsimd.Float32x4
			b0 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[0:4]))
			b1 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[4:8]))
			a = archsimd.BroadcastFloat32x4(ap[0])
			c00 = c00.Add(a.Mul(b0))
			c01 = c01.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[1])
			c10 = c10.Add(a.Mul(b0))
			c11 = c11.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[2])
			c20 = c20.Add(a.Mul(b0))
			c21 = c21.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[3])
			c30 = c30.Add(a.Mul(b0))
			c31 = c31.Add(a.Mul(b1))
			b0 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[8:12]))
			b1 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[12:16]))
			a = archsimd.BroadcastFloat32x4(ap[4])
			c00 = c00.Add(a.Mul(b0))
			c01 = c01.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[5])
			c10 = c10.Add(a.Mul(b0))
			c11 = c11.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[6])
			c20 = c20.Add(a.Mul(b0))
			c21 = c21.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[7])
			c30 = c30.Add(a.Mul(b0))
			c31 = c31.Add(a.Mul(b1))
			b0 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[16:20]))
			b1 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[20:24]))
			a = archsimd.BroadcastFloat32x4(ap[8])
			c00 = c00.Add(a.Mul(b0))
			c01 = c01.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[9])
			c10 = c10.Add(a.Mul(b0))
			c11 = c11.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[10])
			c20 = c20.Add(a.Mul(b0))
			c21 = c21.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[11])
			c30 = c30.Add(a.Mul(b0))
			c31 = c31.Add(a.Mul(b1))
			b0 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[24:28]))
			b1 = archsimd.LoadFloat32x4Array((*[4]float32)(bp[28:32]))
			a = archsimd.BroadcastFloat32x4(ap[12])
			c00 = c00.Add(a.Mul(b0))
			c01 = c01.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[13])
			c10 = c10.Add(a.Mul(b0))
			c11 = c11.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[14])
			c20 = c20.Add(a.Mul(b0))
			c21 = c21.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[15])
			c30 = c30.Add(a.Mul(b0))
			c31 = c31.Add(a.Mul(b1))
			ap, bp = ap[4*mr:], bp[4*nr:]
		}
		for len(ap) >= mr && len(bp) >= nr { // the last steps, up to three
			b0 := archsimd.LoadFloat32x4Array((*[4]float32)(bp[0:4]))
			b1 := archsimd.LoadFloat32x4Array((*[4]float32)(bp[4:8]))
			a := archsimd.BroadcastFloat32x4(ap[0])
			c00 = c00.Add(a.Mul(b0))
			c01 = c01.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[1])
			c10 = c10.Add(a.Mul(b0))
			c11 = c11.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[2])
			c20 = c20.Add(a.Mul(b0))
			c21 = c21.Add(a.Mul(b1))
			a = archsimd.BroadcastFloat32x4(ap[3])
			c30 = c30.Add(a.Mul(b0))
			c31 = c31.Add(a.Mul(b1))
			ap, bp = ap[mr:], bp[nr:]
		}
		o := t * nr
		storeRow(c[o:o+nr:o+nr], c00, c01, store)
		storeRow(c[ldc+o:ldc+o+nr:ldc+o+nr], c10, c11, store)
		storeRow(c[2*ldc+o:2*ldc+o+nr:2*ldc+o+nr], c20, c21, store)
		storeRow(c[3*ldc+o:3*ldc+o+nr:3*ldc+o+nr], c30, c31, store)
	}
}

// storeRow stores (or adds) one row of a tile, two vectors, into r.
func storeRow(r []float32, v0, v1 archsimd.Float32x4, store bool) {
	p0, p1 := (*[4]float32)(r[0:4]), (*[4]float32)(r[4:8])
	if !store {
		v0 = v0.Add(archsimd.LoadFloat32x4Array(p0))
		v1 = v1.Add(archsimd.LoadFloat32x4Array(p1))
	}
	v0.StoreArray(p0)
	v1.StoreArray(p1)
}

// copyPanelRow copies one k-step of a full panel of B: nr values.
func copyPanelRow(d, s []float32) {
	archsimd.LoadFloat32x4Array((*[4]float32)(s[0:4])).StoreArray((*[4]float32)(d[0:4]))
	archsimd.LoadFloat32x4Array((*[4]float32)(s[4:8])).StoreArray((*[4]float32)(d[4:8]))
}
