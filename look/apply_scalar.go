//go:build !(goexperiment.simd && wasm)

package look

import "sentiment/imaging"

// applyRows is ApplyRows's per-pixel loop; in a scalar build, plain Go
// (apply.go).
func (g *Grid) applyRows(dst, src *imaging.RGB, y0, fullH, lo int, coef []float32) {
	g.applyRowsGo(dst, src, y0, fullH, lo, coef)
}
