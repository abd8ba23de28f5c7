package look

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"sentiment/imaging"
)

// Light describes the light of a photo, apart from what its content is:
// its tone (the spread of lightness), the colour of its light (the tint
// its near-neutral surfaces take, in shadows, midtones and highlights) and
// how much colour it has in each family of hues. A mood is mostly light:
// a golden evening is warm light and lifted oranges, a misty morning
// lifted blacks, soft highlights and little colour. Lights are small and
// average meaningfully, so a mood's light can be estimated from many of
// its references (Consensus) and a photo moved toward it (Grade).
type Light struct {
	// Tone is L* (0–100) at the quantiles ToneQuantiles.
	Tone [ToneKnots]float32
	// Tint is the colour of the light in the shadows, midtones and
	// highlights, bands of rank (the darkest third of the pixels, the
	// middle, the brightest), so that a photo's shadows take the tint of
	// a reference's shadows however dark either is: the mean
	// log-chromaticity, ln(R/G) and ln(B/G) in linear RGB, of each band's
	// pixels, weighted toward those a light could tint (near-neutral, and
	// near the daylight locus). Log-chromaticities
	// average as white balance composes (a gain is a difference of them).
	Tint [ToneBands][2]float32
	// Hue is the mean chroma (C*) that each family of hues contributes
	// per pixel (HueSectors sectors of hue angle, the first centred on
	// 0°); their sum is the photo's mean chroma.
	Hue [HueSectors]float32
	// Detail is the local contrast: the mean distance of L* from its
	// local mean (over about a sixteenth of the picture's long side).
	Detail float32
	// Haze is the black floor that haze lays over a scene (the dark
	// channel of He, Sun and Tang, "Single image haze removal using dark
	// channel prior", CVPR 2009): the median, over a grid of cells, of
	// each cell's darkest channel value (sRGB, 0–1). A clear photo has
	// something nearly black in most of its cells; mist lifts them all.
	Haze float32
}

// ToneKnots is the number of lightness quantiles a Light keeps.
const ToneKnots = 7

// ToneQuantiles are the quantiles of L* that Light.Tone holds: the black
// point, the shadows, the quartiles and the median, the highlights and the
// white point.
var ToneQuantiles = [ToneKnots]float64{0.02, 0.10, 0.25, 0.50, 0.75, 0.90, 0.98}

// ToneBands is the number of lightness bands whose light has its own
// tint (shadows, midtones, highlights).
const ToneBands = 3

// HueSectors is the number of hue families whose chroma a Light keeps.
const HueSectors = 12

// bandWeights returns how much a pixel of rank r (the share of the
// picture darker than it, 0 to 1) belongs to each tone band: tents centred
// on the middle of each third, flat beyond the ends.
func bandWeights(l float64) [ToneBands]float64 {
	centres := [ToneBands]float64{1.0 / 6, 0.5, 5.0 / 6}
	var w [ToneBands]float64
	switch {
	case l <= centres[0]:
		w[0] = 1
	case l >= centres[ToneBands-1]:
		w[ToneBands-1] = 1
	default:
		for k := 0; k+1 < ToneBands; k++ {
			if l <= centres[k+1] {
				t := (l - centres[k]) / (centres[k+1] - centres[k])
				w[k], w[k+1] = 1-t, t
				break
			}
		}
	}
	return w
}

// neutrality is the weight of a pixel of lightness l and chroma c in the
// estimate of the light's colour: a grey wall (C* 3) counts almost fully,
// a red door (C* 40) hardly. Chroma is read relative to lightness, since
// a dark pixel's chroma is small in absolute terms whatever its colour.
func neutrality(l, c float64) float64 {
	r := c / (4 + 0.25*l)
	return 1 / (1 + r*r)
}

// onLocus is the weight of a pixel of log-chromaticity (cr, cb) in the
// estimate of the light's colour by its distance across the daylight
// locus: the light falls on grey surfaces in colours along the locus
// (bluish to amber), so a pixel far across it (a green leaf, a magenta
// flower) shows its own colour, not the light's.
func onLocus(cr, cb float64) float64 {
	v := (cr*locus[1] - cb*locus[0]) / 0.12
	return math.Exp(-v * v)
}

// logChroma returns ln(R/G) and ln(B/G) of a linear colour, with a floor
// that keeps black finite.
func logChroma(r, g, b float64) (float64, float64) {
	const floor = 1e-3
	r, g, b = max(r, floor), max(g, floor), max(b, floor)
	return math.Log(r / g), math.Log(b / g)
}

// detailScale is the side of the local mean that Detail is measured
// against, as a fraction of the long side.
const detailScale = 16

// localMean returns the plane's local mean over cells of about
// 1/detailScale of its long side: area-averaged down, linearly up.
func localMean(p []float32, w, h int) []float32 {
	sw, sh := imaging.Fit(w, h, detailScale)
	return imaging.ResizePlane(imaging.ResizePlane(p, w, h, sw, sh), sw, sh, w, h)
}

// sectorOf returns the two hue sectors an angle (radians) falls between
// and the weight of the second: hues are shared linearly between the
// centres of neighbouring sectors, so that a small turn of hue moves
// chroma smoothly from one to the next.
func sectorOf(h float64) (int, int, float64) {
	s := h / (2 * math.Pi) * HueSectors
	if s < 0 {
		s += HueSectors
	}
	k := int(math.Floor(s))
	t := s - float64(k)
	k %= HueSectors
	return k, (k + 1) % HueSectors, t
}

// tintPrior is the share of a band's pixels whose worth of the whole
// picture's tint each band's estimate starts from.
const tintPrior = 0.03

// toneBins is the resolution of the lightness histogram quantiles are read
// from: a quarter of a unit of L*.
const toneBins = 400

// Describe returns the light of m.
func Describe(m *imaging.RGB) (Light, error) {
	if err := m.Validate(); err != nil {
		return Light{}, fmt.Errorf("look: light: %w", err)
	}
	n := m.W * m.H
	var hist [toneBins]float64
	var tint [ToneBands][3]float64 // Σw·a, Σw·b, Σw
	var hue [HueSectors]float64
	lum := make([]float32, n)
	chroma := make([][3]float32, n) // ln R/G, ln B/G, weight
	for i := range n {
		sr, sg, sb := float64(m.Pix[i]), float64(m.Pix[n+i]), float64(m.Pix[2*n+i])
		l, a, b := imaging.SRGBToLab(sr, sg, sb)
		lum[i] = float32(l)
		hist[min(toneBins-1, max(0, int(l/100*toneBins)))]++
		c := math.Hypot(a, b)
		cr, cb := logChroma(imaging.SRGBToLinear(sr), imaging.SRGBToLinear(sg), imaging.SRGBToLinear(sb))
		chroma[i] = [3]float32{float32(cr), float32(cb), float32(onLocus(cr, cb) * (0.25 + 0.75*neutrality(l, c)))}
		if c > 0 {
			k0, k1, t := sectorOf(math.Atan2(b, a))
			hue[k0] += (1 - t) * c
			hue[k1] += t * c
		}
	}
	var out Light
	var cum float64
	q := 0
	for bin, v := range hist {
		next := cum + v
		for q < ToneKnots && next >= ToneQuantiles[q]*float64(n) {
			// Interpolate within the bin.
			f := 0.5
			if v > 0 {
				f = (ToneQuantiles[q]*float64(n) - cum) / v
			}
			out.Tone[q] = float32((float64(bin) + f) * 100 / toneBins)
			q++
		}
		cum = next
	}
	for ; q < ToneKnots; q++ {
		out.Tone[q] = 100
	}
	// The bands by rank, from the lightness histogram's cumulative counts.
	var rank [toneBins]float64
	cum = 0
	for bin, v := range hist {
		rank[bin] = (cum + v/2) / float64(n)
		cum += v
	}
	for i, l := range lum {
		cw := chroma[i]
		for k, w := range bandWeights(rank[min(toneBins-1, max(0, int(float64(l)/100*toneBins)))]) {
			if w > 0 {
				w *= float64(cw[2])
				tint[k][0] += w * float64(cw[0])
				tint[k][1] += w * float64(cw[1])
				tint[k][2] += w
			}
		}
	}
	// A band whose pixels are all content colours (foliage filling the
	// shadows) says nothing of the light: each band leans, by a few
	// pixels' worth, on the whole picture's estimate.
	var all [3]float64
	for k := range tint {
		for c := range 3 {
			all[c] += tint[k][c]
		}
	}
	prior := tintPrior * float64(n) / ToneBands
	for k := range tint {
		var whole [2]float64
		if all[2] > 0 {
			whole = [2]float64{all[0] / all[2], all[1] / all[2]}
		}
		w := tint[k][2] + prior
		out.Tint[k] = [2]float32{float32((tint[k][0] + prior*whole[0]) / w), float32((tint[k][1] + prior*whole[1]) / w)}
	}
	for k := range hue {
		out.Hue[k] = float32(hue[k] / float64(n))
	}
	var detail float64
	for i, v := range localMean(lum, m.W, m.H) {
		detail += math.Abs(float64(lum[i] - v))
	}
	out.Detail = float32(detail / float64(n))
	out.Haze = darkFloor(m)
	return out, nil
}

// Chroma is the light's mean chroma.
func (l Light) Chroma() float64 {
	var s float64
	for _, v := range l.Hue {
		s += float64(v)
	}
	return s
}

// WeightedLight is a light with its weight in a mean.
type WeightedLight struct {
	Light  Light
	Weight float64
}

// Mean returns the weighted mean of lights (weights ≥ 0, not all 0).
func Mean(ls []WeightedLight) (Light, error) {
	var acc [lightLen]float64
	var total float64
	for _, w := range ls {
		if !(w.Weight >= 0) || math.IsInf(w.Weight, 0) {
			return Light{}, fmt.Errorf("look: a light's weight of %g", w.Weight)
		}
		v := w.Light.vector()
		for i := range acc {
			acc[i] += w.Weight * float64(v[i])
		}
		total += w.Weight
	}
	if !(total > 0) {
		return Light{}, fmt.Errorf("look: a mean of %d lights with no weight", len(ls))
	}
	for i := range acc {
		acc[i] /= total
	}
	var v [len(acc)]float32
	for i := range acc {
		v[i] = float32(acc[i])
	}
	return lightOf(v), nil
}

// hazeCells is the number of cells across the long side over which Haze
// takes its darkest values.
const hazeCells = 24

// darkFloor returns m's Haze.
func darkFloor(m *imaging.RGB) float32 {
	cw, ch := imaging.Fit(m.W, m.H, hazeCells)
	mins := make([]float32, cw*ch)
	for i := range mins {
		mins[i] = 1
	}
	n := m.W * m.H
	for y := range m.H {
		cy := y * ch / m.H
		for x := range m.W {
			i := y*m.W + x
			v := min(m.Pix[i], m.Pix[n+i], m.Pix[2*n+i])
			c := cy*cw + x*cw/m.W
			mins[c] = min(mins[c], v)
		}
	}
	slices.Sort(mins)
	return mins[len(mins)/2]
}

// lightLen is the length of a light as a vector.
const lightLen = ToneKnots + 2*ToneBands + HueSectors + 2

// vector lays the light out as numbers, in a fixed order.
func (l Light) vector() (v [lightLen]float32) {
	i := copy(v[:], l.Tone[:])
	for _, t := range l.Tint {
		v[i], v[i+1] = t[0], t[1]
		i += 2
	}
	i += copy(v[i:], l.Hue[:])
	v[i], v[i+1] = l.Detail, l.Haze
	return v
}

func lightOf(v [lightLen]float32) (l Light) {
	i := copy(l.Tone[:], v[:])
	for k := range l.Tint {
		l.Tint[k] = [2]float32{v[i], v[i+1]}
		i += 2
	}
	i += copy(l.Hue[:], v[i:])
	l.Detail, l.Haze = v[i], v[i+1]
	return l
}

// LightBytes is the size of a light's binary form.
const LightBytes = 4 * lightLen

// AppendBinary appends the light's binary form: its numbers as
// little-endian float32, in a fixed order.
func (l Light) AppendBinary(b []byte) ([]byte, error) {
	for _, v := range l.vector() {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b, nil
}

// UnmarshalBinary reads a light's binary form, refusing numbers that are
// not finite.
func (l *Light) UnmarshalBinary(b []byte) error {
	if len(b) != LightBytes {
		return fmt.Errorf("look: a light of %d bytes, want %d", len(b), LightBytes)
	}
	var v [lightLen]float32
	for k := range v {
		v[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
		if math.IsNaN(float64(v[k])) || math.IsInf(float64(v[k]), 0) {
			return fmt.Errorf("look: a light with a number that is not finite")
		}
	}
	*l = lightOf(v)
	return nil
}
