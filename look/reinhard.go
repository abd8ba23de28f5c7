package look

import (
	"fmt"
	"math"

	"sentiment/imaging"
)

// LabStats are an image's per-channel mean and standard deviation in
// CIELAB, channels in the order L*, a*, b*. Std is the population standard
// deviation (divided by the pixel count).
type LabStats struct {
	Mean, Std [3]float64
}

// StatsOf returns the CIELAB statistics of m, converting pixel by pixel so
// that a large photo needs no Lab copy.
func StatsOf(m *imaging.RGB) (LabStats, error) {
	if err := m.Validate(); err != nil {
		return LabStats{}, err
	}
	var a labAcc
	n := m.W * m.H
	for i := range n {
		l, aa, b := imaging.SRGBToLab(float64(m.Pix[i]), float64(m.Pix[n+i]), float64(m.Pix[2*n+i]))
		a.add(l, aa, b)
	}
	return a.stats(), nil
}

// StatsOfRows is StatsOf for a w×h image given a row at a time: row(y, r,
// g, b) fills the three channels of row y, asked for from the top. An
// error from row stops it.
func StatsOfRows(w, h int, row func(y int, r, g, b []float32) error) (LabStats, error) {
	var a labAcc
	line := make([]float32, 3*w)
	r, g, b := line[:w], line[w:2*w], line[2*w:]
	for y := range h {
		if err := row(y, r, g, b); err != nil {
			return LabStats{}, err
		}
		for x := range w {
			l, aa, bb := imaging.SRGBToLab(float64(r[x]), float64(g[x]), float64(b[x]))
			a.add(l, aa, bb)
		}
	}
	return a.stats(), nil
}

// labAcc accumulates sums in float64 around the first sample, so that the
// variance of millions of pixels suffers no cancellation.
type labAcc struct {
	n          int
	shift      [3]float64
	sum, sumSq [3]float64
}

func (a *labAcc) add(v0, v1, v2 float64) {
	v := [3]float64{v0, v1, v2}
	if a.n == 0 {
		a.shift = v
	}
	a.n++
	for c := range 3 {
		d := v[c] - a.shift[c]
		a.sum[c] += d
		a.sumSq[c] += d * d
	}
}

func (a *labAcc) stats() (s LabStats) {
	if a.n == 0 {
		return s
	}
	n := float64(a.n)
	for c := range 3 {
		m := a.sum[c] / n
		s.Mean[c] = a.shift[c] + m
		s.Std[c] = math.Sqrt(max(0, a.sumSq[c]/n-m*m))
	}
	return s
}

// minStd is the standard deviation, in CIELAB units, below which a channel
// of the input counts as flat: its spread cannot be rescaled (there is none
// to rescale, and dividing by it would amplify noise without bound), so
// only its mean is moved.
const minStd = 1e-3

// Reinhard returns input recoloured to the reference's colour statistics:
// every CIELAB channel is shifted and scaled so that its mean and standard
// deviation become the reference's (Reinhard, Ashikhmin, Gooch and
// Shirley, "Color transfer between images", IEEE CG&A 2001). Colours that
// leave the sRGB gamut are clamped.
//
// The paper works in Ruderman's lαβ space; we use CIELAB, as the transfer
// issue specifies: it too separates lightness from two opponent
// colour axes that are nearly decorrelated in natural images, which is
// what lets the channels be matched independently, and it is the space in
// which the evaluation measures how far a result moved toward the
// reference, so this baseline is judged in its own terms.
func Reinhard(input, ref *imaging.RGB) (*imaging.RGB, error) {
	if err := input.Validate(); err != nil {
		return nil, fmt.Errorf("look: input: %w", err)
	}
	rs, err := StatsOf(ref)
	if err != nil {
		return nil, fmt.Errorf("look: reference: %w", err)
	}
	out := input.Clone()
	// Convert in place: the output's buffer holds the Lab image meanwhile.
	lab := &imaging.Lab{W: out.W, H: out.H, Pix: out.Pix}
	if err := imaging.RGBToLab(lab, out); err != nil {
		return nil, err
	}
	var acc labAcc
	n := out.W * out.H
	for i := range n {
		acc.add(float64(lab.Pix[i]), float64(lab.Pix[n+i]), float64(lab.Pix[2*n+i]))
	}
	is := acc.stats()
	for c := range 3 {
		scale := 1.0
		if is.Std[c] >= minStd {
			scale = rs.Std[c] / is.Std[c]
		}
		p := lab.Plane(c)
		for i, v := range p {
			p[i] = float32((float64(v)-is.Mean[c])*scale + rs.Mean[c])
		}
	}
	if err := imaging.LabToRGB(out, lab); err != nil {
		return nil, err
	}
	return out, nil
}
