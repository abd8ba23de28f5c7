//go:build !(goexperiment.simd && wasm)

package gemm

// Register block of the micro-kernel: mr rows of A by nr columns of B.
// Eight accumulators and six operands fill Go's sixteen WebAssembly float
// registers, which is why the tile is 2×4.
const (
	mr = 2
	nr = 4
)

// kernel computes a row of count mr×nr tiles, C = Ap·Bp, storing into c
// (rows ldc apart, tiles nr columns apart) when store is set, adding
// otherwise. ap is one panel from packA, depth = len(ap)/mr steps of k;
// bp holds count consecutive panels from packB of the same depth.
//
// The tiles of a row are looped over here, not by the caller, because a
// call per tile is expensive in WebAssembly. The k loop advances slices
// instead of indexing so that the compiler drops bounds checks, and it is
// unrolled four times: a loop branch in Go's WebAssembly goes through the
// function's dispatch table and costs about as much as the arithmetic.
func kernel(ap, bp, c []float32, ldc, count int, store bool) {
	depth := len(ap) / mr
	for t := 0; t < count; t++ {
		ap := ap
		bp := bp[t*nr*depth : (t+1)*nr*depth]
		var c00, c01, c02, c03, c10, c11, c12, c13 float32
		var a0, a1, b0, b1, b2, b3 float32
		for len(ap) >= 4*mr && len(bp) >= 4*nr {
			a0, a1 = ap[0], ap[1]
			b0, b1, b2, b3 = bp[0], bp[1], bp[2], bp[3]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			a0, a1 = ap[2], ap[3]
			b0, b1, b2, b3 = bp[4], bp[5], bp[6], bp[7]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			a0, a1 = ap[4], ap[5]
			b0, b1, b2, b3 = bp[8], bp[9], bp[10], bp[11]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			a0, a1 = ap[6], ap[7]
			b0, b1, b2, b3 = bp[12], bp[13], bp[14], bp[15]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			ap, bp = ap[4*mr:], bp[4*nr:]
		}
		for len(ap) >= mr && len(bp) >= nr {
			a0, a1 = ap[0], ap[1]
			b0, b1, b2, b3 = bp[0], bp[1], bp[2], bp[3]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			ap, bp = ap[mr:], bp[nr:]
		}
		r0 := c[t*nr : t*nr+nr : t*nr+nr]
		r1 := c[ldc+t*nr : ldc+t*nr+nr : ldc+t*nr+nr]
		if store {
			r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
			r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
			continue
		}
		r0[0] += c00
		r0[1] += c01
		r0[2] += c02
		r0[3] += c03
		r1[0] += c10
		r1[1] += c11
		r1[2] += c12
		r1[3] += c13
	}
}

// copyPanelRow copies one k-step of a full panel of B: nr values.
func copyPanelRow(d, s []float32) {
	d = d[:nr:nr]
	d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
}
