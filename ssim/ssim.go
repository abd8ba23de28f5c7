// Package ssim computes the structural similarity index (SSIM) of Wang,
// Bovik, Sheikh and Simoncelli, "Image quality assessment: from error
// visibility to structural similarity", IEEE TIP 2004: local means,
// variances and covariance under an 11×11 Gaussian window of σ = 1.5
// (normalized to sum 1), K1 = 0.01, K2 = 0.03, C1 = (K1·L)², C2 = (K2·L)²
// for samples of dynamic range L, and the mean of the SSIM map as the index.
//
// The map covers only the pixels whose whole window lies inside the image
// (the "valid" region, (w−10)×(h−10)), and variances are population
// variances (divided by the weight sum, 1): the same numbers as
// scikit-image's structural_similarity with gaussian_weights=True,
// sigma=1.5, use_sample_covariance=False and data_range=L, which filters the
// whole image but crops (win_size−1)/2 = 5 pixels from each border before
// averaging, so its padding never enters the mean.
//
// This is the project's one SSIM: retrieval compares edge maps with it and
// the transfer's evaluation measures outputs with it.
package ssim

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"sentiment/imaging"
)

// The constants of Wang et al. 2004.
const (
	K1     = 0.01
	K2     = 0.03
	Sigma  = 1.5
	Window = 11 // window side: 2·round(3.5σ)+1 = 11, σ = 1.5
	radius = Window / 2
)

// kernel is the normalized one-dimensional Gaussian; the 11×11 window is
// its outer product, so filtering is separable.
var kernel = func() (k [Window]float64) {
	var s float64
	for i := range k {
		d := float64(i - radius)
		k[i] = math.Exp(-d * d / (2 * Sigma * Sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	return
}()

// ErrSize is returned (wrapped) for planes that do not match their
// dimensions or are smaller than the window.
var ErrSize = errors.New("ssim: bad image size")

// Index returns the mean SSIM of two w×h planes of samples spanning
// dynamicRange (1 for samples in [0, 1], 255 for 8-bit values). It is 1 for
// identical planes and can be negative for anti-correlated ones.
//
// It works through the map in bands of bandRows rows, so its memory is a
// few megabytes whatever the planes' size: the full-size score of a 24 MP
// photo would otherwise hold ten float64 planes of it.
func Index(a, b []float32, w, h int, dynamicRange float64) (float64, error) {
	if err := check(a, w, h, dynamicRange); err != nil {
		return 0, err
	}
	if len(b) != w*h {
		return 0, fmt.Errorf("%w: %d samples for %d×%d", ErrSize, len(b), w, h)
	}
	rows := func(p []float32) func(int, []float32) error {
		return func(y int, dst []float32) error {
			copy(dst, p[y*w:(y+1)*w])
			return nil
		}
	}
	return IndexRows(w, h, rows(a), rows(b), dynamicRange)
}

// IndexRows is Index for two planes given a row at a time: rowA(y, dst)
// and rowB(y, dst) fill dst (w samples) with row y of each. Rows are asked
// for from the top, each at most twice, so that planes too large to hold,
// such as the luma of two full-size photos, are compared in a few
// megabytes. An error from a row stops it.
func IndexRows(w, h int, rowA, rowB func(y int, dst []float32) error, dynamicRange float64) (float64, error) {
	if w < Window || h < Window {
		return 0, fmt.Errorf("%w: %d×%d is smaller than the %d×%d window", ErrSize, w, h, Window, Window)
	}
	if !(dynamicRange > 0) || math.IsInf(dynamicRange, 0) {
		return 0, fmt.Errorf("ssim: dynamic range %v is not a positive number", dynamicRange)
	}
	ra, rb := make([]float32, w), make([]float32, w)
	c1 := (K1 * dynamicRange) * (K1 * dynamicRange)
	c2 := (K2 * dynamicRange) * (K2 * dynamicRange)
	vw, vh := w-2*radius, h-2*radius
	band := min(bandRows, vh)
	// The five local statistics: a, b, a², b², a·b.
	var line, rows, out [5][]float64
	for k := range 5 {
		line[k] = make([]float64, w)
		rows[k] = make([]float64, (band+2*radius)*vw)
		out[k] = make([]float64, band*vw)
	}
	var sum float64
	for y0 := 0; y0 < vh; y0 += band {
		bh := min(band, vh-y0)
		for r := range bh + 2*radius {
			y := y0 + r
			if err := rowA(y, ra); err != nil {
				return 0, err
			}
			if err := rowB(y, rb); err != nil {
				return 0, err
			}
			for x := range ra {
				fa, fb := float64(ra[x]), float64(rb[x])
				line[0][x], line[1][x], line[2][x], line[3][x], line[4][x] = fa, fb, fa*fa, fb*fb, fa*fb
			}
			for k := range 5 {
				rowFilter(line[k], rows[k][r*vw:(r+1)*vw])
			}
		}
		for k := range 5 {
			columns(rows[k], out[k], vw, bh)
		}
		for i := range bh * vw {
			muA, muB := out[0][i], out[1][i]
			varA, varB := out[2][i]-muA*muA, out[3][i]-muB*muB
			cov := out[4][i] - muA*muB
			sum += (2*muA*muB + c1) * (2*cov + c2) / ((muA*muA + muB*muB + c1) * (varA + varB + c2))
		}
	}
	mean := sum / float64(vw*vh)
	if math.IsNaN(mean) || math.IsInf(mean, 0) {
		return 0, errors.New("ssim: the planes hold samples that are not finite numbers")
	}
	return mean, nil
}

// bandRows is the height of Index's bands of the SSIM map; each band also
// filters the 10 rows its windows reach below it.
const bandRows = 64

// check validates one plane and the dynamic range.
func check(a []float32, w, h int, dynamicRange float64) error {
	if w < Window || h < Window {
		return fmt.Errorf("%w: %d×%d is smaller than the %d×%d window", ErrSize, w, h, Window, Window)
	}
	if len(a) != w*h {
		return fmt.Errorf("%w: %d samples for %d×%d", ErrSize, len(a), w, h)
	}
	if !(dynamicRange > 0) || math.IsInf(dynamicRange, 0) {
		return fmt.Errorf("ssim: dynamic range %v is not a positive number", dynamicRange)
	}
	return nil
}

// rowFilter applies the Gaussian along one row: out[x] is the window's
// weighted sum centred on in[x+5]. The kernel is symmetric, so the taps
// around the centre are paired (6 multiplies instead of 11).
func rowFilter(in, out []float64) {
	k0, k1, k2, k3, k4, k5 := kernel[5], kernel[4], kernel[3], kernel[2], kernel[1], kernel[0]
	for x := range out {
		p := in[x : x+Window : x+Window]
		out[x] = k0*p[5] + k1*(p[4]+p[6]) + k2*(p[3]+p[7]) + k3*(p[2]+p[8]) + k4*(p[1]+p[9]) + k5*(p[0]+p[10])
	}
}

// Map returns the SSIM map of two w×h planes over the valid region: mw×mh
// values, mw = w−10, mh = h−10, in row order, where value (x, y) belongs to
// pixel (x+5, y+5). Index is its mean.
func Map(a, b []float32, w, h int, dynamicRange float64) (m []float32, mw, mh int, err error) {
	c, err := NewComparer(a, w, h, dynamicRange)
	if err != nil {
		return nil, 0, 0, err
	}
	m = make([]float32, c.vw*c.vh)
	if _, err := c.compare(b, m); err != nil {
		return nil, 0, 0, err
	}
	return m, c.vw, c.vh, nil
}

// RGB returns the SSIM of two images of the same size on their luma
// (imaging.RGB.Luma, Rec. 601), with dynamic range 1.
func RGB(a, b *imaging.RGB) (float64, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := b.Validate(); err != nil {
		return 0, err
	}
	if a.W != b.W || a.H != b.H {
		return 0, fmt.Errorf("%w: %d×%d against %d×%d", ErrSize, a.W, a.H, b.W, b.H)
	}
	return Index(a.Luma(), b.Luma(), a.W, a.H, 1)
}

// A Comparer holds one plane's local statistics so that it can be compared
// with many others of the same size (retrieval compares one query with
// every reference); its methods may be called from several goroutines.
type Comparer struct {
	w, h, vw, vh int
	c1, c2       float64
	a            []float32
	muA, varA    []float64 // over the valid region
	pool         sync.Pool // of *scratch
}

type scratch struct {
	rows          [3][]float64 // b, b², a·b filtered along rows, h×vw each
	line          [3][]float64 // b, b², a·b of one row, w each
	muB, eB2, eAB []float64    // filtered both ways, over the valid region
}

// NewComparer prepares comparisons of the w×h plane a, of samples spanning
// dynamicRange, with other planes.
func NewComparer(a []float32, w, h int, dynamicRange float64) (*Comparer, error) {
	if err := check(a, w, h, dynamicRange); err != nil {
		return nil, err
	}
	c := &Comparer{
		w: w, h: h, vw: w - 2*radius, vh: h - 2*radius,
		c1: (K1 * dynamicRange) * (K1 * dynamicRange),
		c2: (K2 * dynamicRange) * (K2 * dynamicRange),
		a:  a,
	}
	n, v := w*h, c.vw*c.vh
	c.muA, c.varA = make([]float64, v), make([]float64, v)
	plane, sq := make([]float64, n), make([]float64, n)
	for i, x := range a {
		plane[i], sq[i] = float64(x), float64(x)*float64(x)
	}
	rows := make([]float64, h*c.vw)
	c.filter(plane, rows, c.muA)
	c.filter(sq, rows, c.varA)
	for i, mu := range c.muA {
		c.varA[i] -= mu * mu
	}
	c.pool.New = func() any {
		sc := &scratch{muB: make([]float64, v), eB2: make([]float64, v), eAB: make([]float64, v)}
		for i := range sc.rows {
			sc.rows[i], sc.line[i] = make([]float64, h*c.vw), make([]float64, w)
		}
		return sc
	}
	return c, nil
}

// Index returns the mean SSIM of the comparer's plane and b.
func (c *Comparer) Index(b []float32) (float64, error) {
	return c.compare(b, nil)
}

// compare returns the mean SSIM with b and, if m is not nil, fills in the
// map.
func (c *Comparer) compare(b []float32, m []float32) (float64, error) {
	if len(b) != c.w*c.h {
		return 0, fmt.Errorf("%w: %d samples for %d×%d", ErrSize, len(b), c.w, c.h)
	}
	s := c.pool.Get().(*scratch)
	defer c.pool.Put(s)
	c.filter3(b, s)
	var sum float64
	for i, muB := range s.muB {
		muA := c.muA[i]
		varB := s.eB2[i] - muB*muB
		cov := s.eAB[i] - muA*muB
		v := (2*muA*muB + c.c1) * (2*cov + c.c2) / ((muA*muA + muB*muB + c.c1) * (c.varA[i] + varB + c.c2))
		if m != nil {
			m[i] = float32(v)
		}
		sum += v
	}
	mean := sum / float64(len(s.muB))
	if math.IsNaN(mean) || math.IsInf(mean, 0) {
		return 0, errors.New("ssim: the planes hold samples that are not finite numbers")
	}
	return mean, nil
}

// filter applies the Gaussian window to the w×h plane src at every pixel of
// the valid region, writing vw×vh values to dst; rows is h×vw scratch.
func (c *Comparer) filter(src, rows, dst []float64) {
	w, vw := c.w, c.vw
	for y := 0; y < c.h; y++ {
		rowFilter(src[y*w:(y+1)*w], rows[y*vw:(y+1)*vw])
	}
	columns(rows, dst, vw, c.vh)
}

// filter3 filters b, b² and a·b at once (the statistics that depend on b),
// sharing the loads and loops of the three.
func (c *Comparer) filter3(b []float32, s *scratch) {
	w, vw := c.w, c.vw
	k0, k1, k2, k3, k4, k5 := kernel[5], kernel[4], kernel[3], kernel[2], kernel[1], kernel[0]
	lb, lbb, lab := s.line[0][:w], s.line[1][:w], s.line[2][:w]
	for y := 0; y < c.h; y++ {
		in, ina := b[y*w:(y+1)*w], c.a[y*w:(y+1)*w]
		for x, v := range in {
			f := float64(v)
			lb[x], lbb[x], lab[x] = f, f*f, float64(ina[x])*f
		}
		rb, rbb, rab := s.rows[0][y*vw:(y+1)*vw], s.rows[1][y*vw:(y+1)*vw], s.rows[2][y*vw:(y+1)*vw]
		for x := range rb {
			p, q, r := lb[x:x+Window:x+Window], lbb[x:x+Window:x+Window], lab[x:x+Window:x+Window]
			rb[x] = k0*p[5] + k1*(p[4]+p[6]) + k2*(p[3]+p[7]) + k3*(p[2]+p[8]) + k4*(p[1]+p[9]) + k5*(p[0]+p[10])
			rbb[x] = k0*q[5] + k1*(q[4]+q[6]) + k2*(q[3]+q[7]) + k3*(q[2]+q[8]) + k4*(q[1]+q[9]) + k5*(q[0]+q[10])
			rab[x] = k0*r[5] + k1*(r[4]+r[6]) + k2*(r[3]+r[7]) + k3*(r[2]+r[8]) + k4*(r[1]+r[9]) + k5*(r[0]+r[10])
		}
	}
	outs := [3][]float64{s.muB, s.eB2, s.eAB}
	for j, rows := range s.rows {
		columns(rows, outs[j], vw, c.vh)
	}
}

// columns filters the vw-wide rows along columns into dst (vw×vh), a whole
// row at a time for memory order.
func columns(rows, dst []float64, vw, vh int) {
	k0, k1, k2, k3, k4, k5 := kernel[5], kernel[4], kernel[3], kernel[2], kernel[1], kernel[0]
	for y := 0; y < vh; y++ {
		out := dst[y*vw : (y+1)*vw]
		r := func(d int) []float64 { return rows[(y+d)*vw : (y+d)*vw+len(out)] }
		r0, r1, r2, r3, r4, r5 := r(5), r(4), r(3), r(2), r(1), r(0)
		r6, r7, r8, r9, r10 := r(6), r(7), r(8), r(9), r(10)
		for x := range out {
			out[x] = k0*r0[x] + k1*(r1[x]+r6[x]) + k2*(r2[x]+r7[x]) + k3*(r3[x]+r8[x]) + k4*(r4[x]+r9[x]) + k5*(r5[x]+r10[x])
		}
	}
}

// Terms are the means over the SSIM map of its three factors (Wang et al.
// 2004, eq. 6–10, with C3 = C2/2, whose product is SSIM): Luminance
// compares local means, Contrast local standard deviations and Structure
// the correlation of the local patterns. Structure alone is blind to a
// change of brightness or of contrast, so it measures how much of a
// picture's detail a deliberate change of tone (darker, hazier, harder)
// keeps.
type Terms struct {
	Luminance, Contrast, Structure float64
}

// Terms returns the mean SSIM terms of the comparer's plane and b.
func (c *Comparer) Terms(b []float32) (Terms, error) {
	if len(b) != c.w*c.h {
		return Terms{}, fmt.Errorf("%w: %d samples for %d×%d", ErrSize, len(b), c.w, c.h)
	}
	s := c.pool.Get().(*scratch)
	defer c.pool.Put(s)
	c.filter3(b, s)
	c3 := c.c2 / 2
	var t Terms
	for i, muB := range s.muB {
		muA := c.muA[i]
		varA, varB := c.varA[i], max(0, s.eB2[i]-muB*muB)
		sdA, sdB := math.Sqrt(max(0, varA)), math.Sqrt(varB)
		cov := s.eAB[i] - muA*muB
		t.Luminance += (2*muA*muB + c.c1) / (muA*muA + muB*muB + c.c1)
		t.Contrast += (2*sdA*sdB + c.c2) / (varA + varB + c.c2)
		t.Structure += (cov + c3) / (sdA*sdB + c3)
	}
	n := float64(len(s.muB))
	t.Luminance, t.Contrast, t.Structure = t.Luminance/n, t.Contrast/n, t.Structure/n
	if math.IsNaN(t.Structure+t.Contrast+t.Luminance) || math.IsInf(t.Structure+t.Contrast+t.Luminance, 0) {
		return Terms{}, errors.New("ssim: the planes hold samples that are not finite numbers")
	}
	return t, nil
}
