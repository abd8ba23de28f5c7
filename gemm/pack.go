package gemm

import "fmt"

// Packed is a left matrix A (M×K) packed once into panels of mr rows,
// interleaved along k, for repeated products with Mul.
type Packed struct {
	m, k int
	// data holds the matrix by blocks of kcBlock columns, each in
	// ceil(m/mr) panels of mr rows interleaved along k (see panel); rows
	// past m are zero.
	data []float32
}

// Pack packs A, given row-major with m rows and k columns.
// It panics if len(a) < m·k or a dimension is negative.
func Pack(a []float32, m, k int) *Packed {
	checkDims("Pack", len(a), m, k)
	p := &Packed{m: m, k: k, data: make([]float32, panels(m, mr)*mr*k)}
	packA(p.data, a, k, false, m, k)
	return p
}

// PackTransposed packs Aᵀ (k×m) given A stored row-major with m rows and
// k columns; a convolution's input gradient needs the transposed weights.
// It panics if len(a) < m·k or a dimension is negative.
func PackTransposed(a []float32, m, k int) *Packed {
	checkDims("PackTransposed", len(a), m, k)
	p := &Packed{m: k, k: m, data: make([]float32, panels(k, mr)*mr*m)}
	packA(p.data, a, k, true, k, m)
	return p
}

// Rows returns M, the number of rows of the packed matrix.
func (p *Packed) Rows() int { return p.m }

// Cols returns K, the number of columns of the packed matrix.
func (p *Packed) Cols() int { return p.k }

func checkDims(fn string, n, rows, cols int) {
	if rows < 0 || cols < 0 || n < rows*cols {
		panic(fmt.Sprintf("gemm: %s: %d values cannot hold %d×%d", fn, n, rows, cols))
	}
}

// panels returns ceil(n/w).
func panels(n, w int) int { return (n + w - 1) / w }

// packA writes the rows×k matrix X into dst, block by block of kcBlock
// columns, each block in panels of mr rows interleaved along k; see
// Packed.panel. X(i, j) is src[i·ld + j], or src[j·ld + i] when trans is set.
func packA(dst, src []float32, ld int, trans bool, rows, k int) {
	np := panels(rows, mr)
	for pc := 0; pc < k; pc += kcBlock {
		kc := min(kcBlock, k-pc)
		for p := 0; p < np; p++ {
			d := dst[np*mr*pc+p*mr*kc : np*mr*pc+(p+1)*mr*kc]
			i0 := p * mr
			h := min(mr, rows-i0)
			if h < mr {
				clear(d)
			}
			for i := 0; i < h; i++ {
				if trans {
					for j := 0; j < kc; j++ {
						d[mr*j+i] = src[(pc+j)*ld+i0+i]
					}
					continue
				}
				row := src[(i0+i)*ld+pc : (i0+i)*ld+pc+kc]
				// Four values a loop: a loop branch is expensive in Go's
				// WebAssembly.
				j := 0
				for ; j+4 <= kc; j += 4 {
					d[mr*j+i], d[mr*(j+1)+i], d[mr*(j+2)+i], d[mr*(j+3)+i] = row[j], row[j+1], row[j+2], row[j+3]
				}
				for ; j < kc; j++ {
					d[mr*j+i] = row[j]
				}
			}
		}
	}
}

// panel returns row panel ip of the k-block starting at column pc, kc
// columns deep. Blocks are stored one after another, and the panels of a
// block are contiguous, so that a block's panels are read in sequence
// rather than at a large power-of-two stride that would thrash the cache.
func (p *Packed) panel(ip, pc, kc int) []float32 {
	off := panels(p.m, mr)*mr*pc + ip*mr*kc
	return p.data[off : off+mr*kc]
}

// packB writes the kc×nc block of B starting at row pc, column jc into dst
// in panels of nr columns, interleaved along k, zero beyond column nc.
// B(r, c) is src[r·ld + c], or src[c·ld + r] when trans is set.
func packB(dst, src []float32, ld int, trans bool, pc, kc, jc, nc int) {
	for p := 0; p < panels(nc, nr); p++ {
		d := dst[p*nr*kc : (p+1)*nr*kc]
		j0 := jc + p*nr
		w := min(nr, jc+nc-j0)
		if trans {
			if w < nr {
				clear(d)
			}
			for j := 0; j < w; j++ {
				row := src[(j0+j)*ld+pc : (j0+j)*ld+pc+kc]
				r := 0
				for ; r+4 <= kc; r += 4 {
					d[nr*r+j], d[nr*(r+1)+j], d[nr*(r+2)+j], d[nr*(r+3)+j] = row[r], row[r+1], row[r+2], row[r+3]
				}
				for ; r < kc; r++ {
					d[nr*r+j] = row[r]
				}
			}
			continue
		}
		if w == nr {
			s := src[pc*ld+j0:]
			r := 0
			for ; r+4 <= kc; r += 4 {
				copyPanelRow(d[nr*r:nr*r+nr], s[r*ld:r*ld+nr])
				copyPanelRow(d[nr*r+nr:nr*r+2*nr], s[(r+1)*ld:(r+1)*ld+nr])
				copyPanelRow(d[nr*r+2*nr:nr*r+3*nr], s[(r+2)*ld:(r+2)*ld+nr])
				copyPanelRow(d[nr*r+3*nr:nr*r+4*nr], s[(r+3)*ld:(r+3)*ld+nr])
			}
			for ; r < kc; r++ {
				copyPanelRow(d[nr*r:nr*r+nr], s[r*ld:r*ld+nr])
			}
			continue
		}
		clear(d)
		for r := 0; r < kc; r++ {
			copy(d[nr*r:nr*r+w], src[(pc+r)*ld+j0:(pc+r)*ld+j0+w])
		}
	}
}
