package gemm

import (
	"math"
	"runtime"
	"sync"
)

// Cache blocking: a kcBlock×ncBlock block of B (512 KiB, in L2) is packed
// at a time, and A is packed in blocks of kcBlock columns to match; see
// mulRange for the order within a block.
const (
	kcBlock = 256
	ncBlock = 512
)

// parallelFlops is the size of product (in multiply-adds) from which
// splitting across goroutines pays for starting them.
const parallelFlops = 1 << 20

// groupBytes is the size of the group of column panels of B that mulRange
// keeps in L1 while row panels of A pass by.
const groupBytes = 16 << 10

// operandB describes the right matrix: B(r, c) is data[r·ld + c], or
// data[c·ld + r] when trans is set.
type operandB struct {
	data  []float32
	ld    int
	trans bool
}

// Mul computes C = A·B, or C += A·B when accumulate is set, where A is the
// packed M×K matrix and B is row-major K×N; C is row-major M×N.
// It is safe to call concurrently, also on the same Packed.
// It panics if b or c is too short.
func (p *Packed) Mul(c, b []float32, n int, accumulate bool) {
	checkDims("Mul (B)", len(b), p.k, n)
	checkDims("Mul (C)", len(c), p.m, n)
	p.mul(c, operandB{data: b, ld: n}, n, accumulate, false)
}

// Mul computes C = A·B, or C += A·B when accumulate is set, with A
// row-major m×k, B row-major k×n and C row-major m×n. It packs A for this
// call only; pack it once with Pack when it is reused.
// It panics if a slice is too short.
func Mul(c, a, b []float32, m, k, n int, accumulate bool) {
	checkDims("Mul (A)", len(a), m, k)
	checkDims("Mul (B)", len(b), k, n)
	checkDims("Mul (C)", len(c), m, n)
	p := packTemp(a, m, k)
	p.mul(c, operandB{data: b, ld: n}, n, accumulate, false)
	putScratch(p.data)
}

// MulABt computes C = A·Bᵀ, or C += A·Bᵀ when accumulate is set, with A
// row-major m×k, B row-major n×k and C row-major m×n. With B = A it is
// the Gram matrix of A's rows, whose k is long (a feature map's H·W).
// It panics if a slice is too short.
func MulABt(c, a, b []float32, m, k, n int, accumulate bool) {
	checkDims("MulABt (A)", len(a), m, k)
	checkDims("MulABt (B)", len(b), n, k)
	checkDims("MulABt (C)", len(c), m, n)
	p := packTemp(a, m, k)
	p.mul(c, operandB{data: b, ld: k, trans: true}, n, accumulate, false)
	putScratch(p.data)
}

// MulAAt computes the m×m Gram matrix C = A·Aᵀ of the rows of A,
// row-major m×k. It computes the upper triangle only and mirrors it, which
// halves the work of MulABt(c, a, a, m, k, m, false).
// It panics if a slice is too short.
func MulAAt(c, a []float32, m, k int) {
	checkDims("MulAAt (A)", len(a), m, k)
	checkDims("MulAAt (C)", len(c), m, m)
	p := packTemp(a, m, k)
	p.mul(c, operandB{data: a, ld: k, trans: true}, m, false, true)
	putScratch(p.data)
	for i := 1; i < m; i++ {
		for j := 0; j < i; j++ {
			c[i*m+j] = c[j*m+i]
		}
	}
}

// packTemp packs A into scratch memory, to be released by the caller.
func packTemp(a []float32, m, k int) Packed {
	p := Packed{m: m, k: k, data: getScratch(panels(m, mr) * mr * k)}
	packA(p.data, a, k, false, m, k)
	return p
}

// mul dispatches the product, splitting it across goroutines when it is
// large and more than one thread can run it.
func (p *Packed) mul(c []float32, b operandB, n int, accumulate, upper bool) {
	m, k := p.m, p.k
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			clear(c[:m*n])
		}
		return
	}
	workers := 1
	if runtime.GOARCH != "wasm" && m*n*k >= parallelFlops {
		workers = runtime.GOMAXPROCS(0)
	}
	rowPanels := panels(m, mr)
	colPanels := panels(n, nr)
	if workers <= 1 {
		p.mulRange(c, n, b, 0, rowPanels, 0, n, accumulate, upper)
		return
	}
	// The goroutines share a copy of p, so that p itself does not escape
	// and the serial path stays free of allocations.
	q := *p
	var wg sync.WaitGroup
	switch {
	case upper:
		// The work left of column j grows as j²: split at n·sqrt(w/workers)
		// so that each worker has the same share of the triangle.
		workers = min(workers, colPanels)
		bound := func(w int) int {
			return min(n, int(float64(colPanels)*math.Sqrt(float64(w)/float64(workers))+0.5)*nr)
		}
		for w := 0; w < workers; w++ {
			j0, j1 := bound(w), bound(w+1)
			wg.Go(func() { q.mulRange(c, n, b, 0, rowPanels, j0, j1, accumulate, upper) })
		}
	case colPanels >= rowPanels:
		// Split the longer of the two dimensions, in whole panels, so that
		// each worker packs only its own share of B or reads only its rows
		// of A.
		workers = min(workers, colPanels)
		for w := 0; w < workers; w++ {
			j0 := colPanels * w / workers * nr
			j1 := min(n, colPanels*(w+1)/workers*nr)
			wg.Go(func() { q.mulRange(c, n, b, 0, rowPanels, j0, j1, accumulate, upper) })
		}
	default:
		workers = min(workers, rowPanels)
		for w := 0; w < workers; w++ {
			p0 := rowPanels * w / workers
			p1 := rowPanels * (w + 1) / workers
			wg.Go(func() { q.mulRange(c, n, b, p0, p1, 0, n, accumulate, upper) })
		}
	}
	wg.Wait()
}

// mulRange computes the rows of C in row panels [p0, p1) and its columns
// [j0, j1); ldc is C's row stride.
//
// Within a packed block of B, it takes a group of column panels at a time
// (groupBytes of B, kept in L1) past every row panel of A. C is then
// written in runs of a group's width along its rows; walking down
// single columns instead strides by ldc, often a power of two, which
// thrashes the cache, while whole rows of the block would push B out of L1.
//
// With upper set, row panels that lie wholly below the diagonal of C are
// skipped, group by group: their values are left for the caller to fill.
func (p *Packed) mulRange(c []float32, ldc int, b operandB, p0, p1, j0, j1 int, accumulate, upper bool) {
	m, k := p.m, p.k
	buf := getScratch(kcBlock * ncBlock)
	defer putScratch(buf)
	// A short last row panel (m odd) and a short last column panel (n not a
	// multiple of nr) are computed in full into edge, then clipped into C.
	fullRows := min(p1, m/mr)
	var edge []float32
	if fullRows < p1 || (j1-j0)%nr != 0 {
		edge = getScratch(mr * (ncBlock + nr))
		defer putScratch(edge)
	}
	for jc := j0; jc < j1; jc += ncBlock {
		nc := min(ncBlock, j1-jc)
		full := nc / nr // column panels that lie inside C
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			packB(buf, b.data, b.ld, b.trans, pc, kc, jc, nc)
			store := pc == 0 && !accumulate
			group := max(1, groupBytes/(4*nr*kc))
			for jg := 0; jg < full; jg += group {
				g := min(group, full-jg)
				rows := fullRows
				if upper {
					last := jc + (jg+g)*nr - 1 // the group's last column
					rows = min(rows, last/mr+1)
				}
				for ip := p0; ip < rows; ip++ {
					kernel(p.panel(ip, pc, kc), buf[jg*nr*kc:], c[ip*mr*ldc+jc+jg*nr:], ldc, g, store)
				}
			}
			if full*nr < nc {
				for ip := p0; ip < fullRows; ip++ {
					kernel(p.panel(ip, pc, kc), buf[full*nr*kc:], edge, nr, 1, true)
					clip(c[ip*mr*ldc+jc+full*nr:], ldc, edge, nr, mr, nc-full*nr, store)
				}
			}
			if fullRows < p1 {
				ip := fullRows
				cols := panels(nc, nr)
				kernel(p.panel(ip, pc, kc), buf, edge, cols*nr, cols, true)
				clip(c[ip*mr*ldc+jc:], ldc, edge, cols*nr, m-ip*mr, nc, store)
			}
		}
	}
}

// clip stores (or adds) the top-left h×w corner of src, rows lds apart,
// into c, rows ldc apart.
func clip(c []float32, ldc int, src []float32, lds, h, w int, store bool) {
	for i := 0; i < h; i++ {
		dst, s := c[i*ldc:i*ldc+w], src[i*lds:i*lds+w]
		if store {
			copy(dst, s)
			continue
		}
		for j, v := range s {
			dst[j] += v
		}
	}
}
