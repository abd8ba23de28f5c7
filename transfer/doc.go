// Package transfer carries a reference photo's look onto an input photo:
// the global colour match of Reinhard et al. (the optimization's starting
// point and a baseline), the edge-aware bilateral-grid refit that takes the
// optimized working-size result to the full-size photo, its export as a 3D
// LUT, and the numbers the evaluation reports.
//
// All images are imaging.RGB: planar float32 sRGB samples in [0, 1].
package transfer
