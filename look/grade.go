package look

import (
	"fmt"
	"math"

	"sentiment/imaging"
)

// A Grade is a photographic colour grade: haze laid over the scene, a
// change of the colour of the light (white balance, per tone band), a
// tone curve on lightness, a change of local contrast and a change of
// saturation per family of hues. These are the operations a photographer
// grades a mood with, and unlike a match of colour statistics they cannot
// turn an object's colour into another: a hue turns only as far as the
// light's colour moves it, and a colour absent from the photo is never
// painted in.
type Grade struct {
	// Haze is how much of a far pixel becomes Air, the colour of the haze
	// (sRGB): out = (1−h)·in + h·Air with h = Haze·depth, a pixel's depth
	// (hazeDepth) from hazeNear for near, dark parts to 1 for far, hazy
	// ones. Below 0 it takes haze away.
	Haze float32
	Air  [3]float32
	// Gains are linear-RGB white-balance multipliers for the shadows,
	// midtones and highlights (luminance kept).
	Gains [ToneBands][3]float32
	// Curve is the tone curve, and ToneIn and ToneOut its samples, the
	// knots of the monotone cubic by which it is applied.
	Curve           ToneCurve
	ToneIn, ToneOut []float32
	// Detail is the gain of local contrast: lightness's distance from its
	// local mean is multiplied by it.
	Detail float32
	// Chroma is the saturation gain of each hue family (HueSectors, the
	// first centred on 0°).
	Chroma [HueSectors]float32
	// Follow is how much a colour's chroma follows its lightness's change
	// (0: chroma kept as lightness changes; 1: in proportion).
	Follow float32

	// quantiles are the hazed photo's tone quantiles (Light.Tone), drawn
	// apart by spread, by which a pixel's lightness gives its rank and so
	// its tone band.
	quantiles [ToneKnots]float32
	slopes    []float32 // the tone curve's tangents at its knots
}

// Limits bound how far a Grade may move a photo, whatever its target: the
// edge of what still reads as a photograph.
type Limits struct {
	// Tone bounds the lowering of each tone quantile that the curve aims
	// at, and Brighten its raising, in L*: a brighter light burns faces
	// and skies to white, and lifts blacks to a faded matte, long before a
	// darker one hides anything. Exposure bounds the curve's exposure, in
	// stops down (and half of it up); MinContrast and MaxContrast its
	// contrast; Black its lift of the blacks and Dim its lowering of the
	// white, in L*.
	Tone, Brighten, Exposure float64
	MinContrast, MaxContrast float64
	Black, Dim               float64
	// Tint bounds the shift of the light's colour, in log-chromaticity
	// (0.1 is a gain about 10 % apart between channels), and OffLocus is
	// the share of the shift across the daylight locus (green–magenta)
	// that is kept.
	Tint, OffLocus float64
	// MinChroma and MaxChroma bound the saturation gains, MinDetail and
	// MaxDetail the gain of local contrast, MaxHaze the haze laid on
	// (and MaxClear the haze taken away). Fade, below MinChroma, bounds
	// the gain of the photo's saturation as a whole: a colourless mood
	// (grey references, nearly black and white) fades every colour
	// alike, as black-and-white film does, and still reads as a
	// photograph, while colours faded each to MinChroma, some more than
	// others, read as a tinted, washed-out print.
	MinChroma, MaxChroma, Fade float64
	// Emphasis bounds how much more (or less) one family of hues is
	// saturated than the rest.
	Emphasis             float64
	MinDetail, MaxDetail float64
	MaxHaze, MaxClear    float64
}

// DefaultLimits are the limits every grade is held to.
var DefaultLimits = Limits{
	Tone: 40, Brighten: 12, Exposure: 2.5,
	MinContrast: 0.7, MaxContrast: 1.45,
	Black: 12, Dim: 24,
	Tint: 0.7, OffLocus: 0.35,
	MinChroma: 0.35, MaxChroma: 1.7, Fade: 0.05, Emphasis: 1.6,
	MinDetail: 0.75, MaxDetail: 1.15,
	MaxHaze: 0.55, MaxClear: 0.15,
}

// locus is the direction, in log-chromaticity (ln R/G, ln B/G), in which
// daylight's colour moves from blue sky light to warm sunlight: along the
// Planckian locus, which between 10000 K and 3000 K is nearly straight in
// these coordinates.
var locus = [2]float64{0.55, -0.835}

// airLevel is the lightness, in sRGB, of the haze's colour: the bright
// grey of mist.
const airLevel = 0.82

// NewGrade returns the grade that takes photo toward the target light
// within the limits.
func NewGrade(photo *imaging.RGB, target Light, lim Limits) (*Grade, error) {
	in, err := Describe(photo)
	if err != nil {
		return nil, err
	}
	g := &Grade{Follow: 0.85, Detail: 1}
	for k := range g.Chroma {
		g.Chroma[k] = 1
	}
	for k := range g.Gains {
		g.Gains[k] = [3]float32{1, 1, 1}
	}
	// First the haze, which moves tone, tint and colour together as
	// mist does; the rest of the grade starts from the hazed photo.
	// The haze is neutral: the white balance that follows gives it, with
	// everything else, the light's colour.
	air := [3]float32{airLevel, airLevel, airLevel}
	g.Air = air
	lo := float64(min(air[0], air[1], air[2]))
	if d := float64(target.Haze - in.Haze); d > 0.005 {
		// The floor that Haze reads is the photo's darkest, nearest parts,
		// which take hazeNear of the haze.
		g.Haze = float32(min(lim.MaxHaze, d/max(lo-float64(in.Haze), 0.05)/hazeNear))
	} else if d < -0.005 {
		g.Haze = -float32(min(lim.MaxClear, -d/max(lo, 0.05)))
	}
	if g.Haze != 0 {
		if in, err = Describe(g.hazeImage(photo)); err != nil {
			return nil, err
		}
	}
	g.quantiles = spread(in.Tone)
	g.toneCurve(in, target, lim)
	g.whiteBalance(in, target, lim)
	dt := float64(target.Detail+0.3) / float64(in.Detail+0.3)
	g.Detail = float32(max(lim.MinDetail, min(lim.MaxDetail, dt)))
	// Saturation: the whole change, shaded by how much more or less of
	// the target's colour each family of hues holds than the photo's
	// (gently: a mood's emphasis, not its references' content colours).
	// A family's gain stays at least MinChroma; a whole faded further
	// fades the families more alike the further it goes, until at Fade
	// they fade as one (colours half faded among grey ones read as a
	// washed-out print, not as a black-and-white photograph).
	ic, tc := in.Chroma(), target.Chroma()
	fade := min(lim.Fade, lim.MinChroma)
	whole := max(fade, min(lim.MaxChroma, (tc+0.5)/(ic+0.5)))
	emphasis := lim.Emphasis
	if whole < lim.MinChroma {
		// Past MinChroma the mood is colourless, and goes there
		// decisively: the fade beyond it is squared.
		t := (whole - fade) / (lim.MinChroma - fade)
		whole = fade + (whole-fade)*t
		emphasis = 1 + (emphasis-1)*t
	}
	floor := min(lim.MinChroma, whole/emphasis)
	for k := range HueSectors {
		ti := (float64(target.Hue[k]) + 0.05) / (tc + 0.6)
		ii := (float64(in.Hue[k]) + 0.05) / (ic + 0.6)
		e := max(1/emphasis, min(emphasis, math.Sqrt(ti/ii)))
		g.Chroma[k] = float32(max(floor, min(lim.MaxChroma, whole*e)))
	}
	return g, nil
}

// hazeImage returns m with the grade's haze.
func (g *Grade) hazeImage(m *imaging.RGB) *imaging.RGB {
	out := m.Clone()
	n := m.W * m.H
	depth := hazeDepth(m)
	for c := range 3 {
		p := out.Pix[c*n : (c+1)*n]
		for i, v := range p {
			p[i] = g.hazeValue(v, c, depth[i])
		}
	}
	return out
}

// hazeDepth returns, for each pixel of m, how much of a grade's haze it
// takes: mist thickens with distance, and what is far in a photo is what
// is hazy already — its darkest channel lifted (the dark channel prior of
// He, Sun and Tang, read as depth) — while near, dark objects keep their
// blacks. A uniform veil over near and far alike reads as a filter laid
// on the photo. The local darkest value, over cells of a twenty-fourth of
// the long side, is taken to a weight from hazeNear (nothing hazy) to 1
// (a floor of hazeFar and above).
func hazeDepth(m *imaging.RGB) []float32 {
	mins, cw, ch := darkCells(m)
	field := imaging.ResizePlane(mins, cw, ch, m.W, m.H)
	for i, v := range field {
		field[i] = hazeNear + (1-hazeNear)*min(1, v/hazeFar)
	}
	return field
}

// hazeNear is the share of the haze the nearest, darkest parts of a
// photo take, and hazeFar the local darkest value from which a part takes
// all of it.
const (
	hazeNear = 0.35
	hazeFar  = 0.4
)

// hazeValue hazes one channel value of a pixel that takes the share
// depth of the haze.
func (g *Grade) hazeValue(v float32, c int, depth float32) float32 {
	h := g.Haze * depth
	if h >= 0 {
		return (1-h)*v + h*g.Air[c]
	}
	// Haze taken away: the inverse of laying it on.
	return max(0, min(1, (v+h*g.Air[c])/(1+h)))
}

// ToneCurve is a photographic tone curve on L*: an exposure (in stops, in
// linear light, with a soft shoulder where it would clip), a contrast
// about mid-grey, then black and white points (a lift of the blacks for a
// matte or hazy look, a dimmed white for a dull one). Unlike a curve
// through arbitrary knots it cannot crush the midtones while lifting the
// shadows, which reads as a muddy edit rather than a different light.
type ToneCurve struct {
	Exposure, Contrast, Black, White float64
}

// At maps one lightness.
func (c ToneCurve) At(l float64) float64 { return c.points(exposed(l, c.Exposure)) }

// exposed returns lightness l after an exposure of e stops, the first
// part of a curve.
func exposed(l, e float64) float64 {
	_, y, _ := imaging.LabToXYZ(max(0, min(100, l)), 0, 0)
	k := math.Exp2(e)
	if k > 1 {
		// Brighter: Reinhard's extended operator with its white at the
		// gain, so that white stays white and the highlights roll off
		// instead of clipping.
		y1 := k * y
		y = y1 * (1 + y1/(k*k)) / (1 + y1)
	} else {
		y *= k
	}
	return imaging.Lightness(y)
}

// points returns an exposed lightness l1 after the rest of the curve: its
// contrast, its black and white points.
func (c ToneCurve) points(l1 float64) float64 {
	l2 := max(0, min(100, 50+c.Contrast*(l1-50)))
	return c.Black + (c.White-c.Black)*l2/100
}

// toneCurve fits the photographic curve that takes the (hazed) photo's
// tone quantiles nearest the target's, within the limits, and samples it
// as the grade's knots.
func (g *Grade) toneCurve(in, target Light, lim Limits) {
	want := make([]float64, ToneKnots)
	for q := range ToneKnots {
		d := float64(target.Tone[q] - in.Tone[q])
		want[q] = float64(in.Tone[q]) + max(-lim.Tone, min(lim.Brighten, d))
	}
	// The cost of curve c, whose exposure takes the quantiles to l1.
	cost := func(c ToneCurve, l1 *[ToneKnots]float64) float64 {
		var e float64
		for q := range ToneKnots {
			d := c.points(l1[q]) - want[q]
			e += toneWeight[q] * d * d
		}
		// A small pull toward no change picks the mildest of equals.
		return e + 0.5*(c.Exposure*c.Exposure*25+(c.Contrast-1)*(c.Contrast-1)*400)
	}
	// Every curve of the grid is tried; an exposure's effect on the
	// quantiles, the costly part, is worked out once for all the curves
	// that share it.
	best, bestCost := ToneCurve{0, 1, 0, 100}, math.Inf(1)
	for e := -lim.Exposure; e <= lim.Exposure/2+1e-9; e += 0.125 {
		var l1 [ToneKnots]float64
		for q := range ToneKnots {
			l1[q] = exposed(float64(in.Tone[q]), e)
		}
		for ct := lim.MinContrast; ct <= lim.MaxContrast+1e-9; ct += 0.05 {
			for b := 0.0; b <= lim.Black+1e-9; b += 2 {
				for w := 100 - lim.Dim; w <= 100+1e-9; w += 2 {
					c := ToneCurve{e, ct, b, w}
					if v := cost(c, &l1); v < bestCost {
						best, bestCost = c, v
					}
				}
			}
		}
	}
	g.Curve = best
	g.ToneIn, g.ToneOut = nil, nil
	for i := 0; i <= 20; i++ {
		x := float64(i) * 5
		g.ToneIn = append(g.ToneIn, float32(x))
		g.ToneOut = append(g.ToneOut, float32(best.At(x)))
	}
	g.slopes = monotoneSlopes(g.ToneIn, g.ToneOut)
}

// toneWeight weighs the quantiles in the tone curve's fit: the midtones
// most, the black and white points, which a few pixels set, least.
var toneWeight = [ToneKnots]float64{0.5, 0.8, 1, 1, 1, 0.8, 0.5}

// whiteBalance sets the gains that move the light's colour from the
// photo's to the target's, band by band, along the daylight locus and a
// little across it, in one direction for every band (the neutral
// surfaces of a scene take one tint, not several).
func (g *Grade) whiteBalance(in, target Light, lim Limits) {
	var shift [ToneBands][2]float64
	var sum [2]float64
	for k := range ToneBands {
		dr := float64(target.Tint[k][0] - in.Tint[k][0])
		db := float64(target.Tint[k][1] - in.Tint[k][1])
		u := dr*locus[0] + db*locus[1]
		v := (-dr*locus[1] + db*locus[0]) * lim.OffLocus
		shift[k] = [2]float64{u, v}
		sum[0] += u
		sum[1] += v
	}
	// One direction: each band's shift projected on the mean shift's.
	dir := math.Hypot(sum[0], sum[1])
	for k := range ToneBands {
		u, v := shift[k][0], shift[k][1]
		if dir > 1e-9 {
			p := (u*sum[0] + v*sum[1]) / dir
			p = max(0, p) // never against the common direction
			u, v = p*sum[0]/dir, p*sum[1]/dir
		}
		dr, db := u*locus[0]-v*locus[1], u*locus[1]+v*locus[0]
		if r := math.Hypot(dr, db); r > lim.Tint {
			dr, db = dr*lim.Tint/r, db*lim.Tint/r
		}
		gr, gb := math.Exp(dr), math.Exp(db)
		y := 0.2126*gr + 0.7152 + 0.0722*gb
		g.Gains[k] = [3]float32{float32(gr / y), float32(1 / y), float32(gb / y)}
	}
}

// monotoneSlopes returns the tangents of the monotone cubic (Fritsch and
// Carlson 1980) through the knots.
func monotoneSlopes(xs, ys []float32) []float32 {
	n := len(xs)
	d := make([]float64, n-1)
	for i := range d {
		d[i] = float64(ys[i+1]-ys[i]) / float64(xs[i+1]-xs[i])
	}
	m := make([]float32, n)
	m[0], m[n-1] = float32(d[0]), float32(d[n-2])
	for i := 1; i < n-1; i++ {
		if d[i-1]*d[i] <= 0 {
			m[i] = 0
			continue
		}
		// The weighted harmonic mean keeps the curve monotone.
		h0, h1 := float64(xs[i]-xs[i-1]), float64(xs[i+1]-xs[i])
		w0, w1 := 2*h1+h0, h1+2*h0
		m[i] = float32((w0 + w1) / (w0/d[i-1] + w1/d[i]))
	}
	return m
}

// minRankSpan is the least change of lightness, in L*, over which a
// pixel's rank goes from none to all of the photo: the tone bands' tints
// part over at least a third of it.
const minRankSpan = 40

// spread returns tone quantiles q drawn apart about the median to at least
// minRankSpan per unit of rank; they may pass 0 and 100, where no pixel
// lies. In a flat photo — a fog, a white backdrop — nearly every pixel lies
// within a few L*, so its rank, and with it the band whose tint it takes,
// would turn within a few L*: a uniform grey fog took a warm highlight
// tint where it was brightest, an orange blotch in grey. Drawn apart, a
// flat photo takes about one band's tint, its median's.
func spread(q [ToneKnots]float32) [ToneKnots]float32 {
	const mid = ToneKnots / 2
	out := q
	for i := mid + 1; i < ToneKnots; i++ {
		out[i] = max(q[i], out[i-1]+float32(minRankSpan*(ToneQuantiles[i]-ToneQuantiles[i-1])))
	}
	for i := mid - 1; i >= 0; i-- {
		out[i] = min(q[i], out[i+1]-float32(minRankSpan*(ToneQuantiles[i+1]-ToneQuantiles[i])))
	}
	return out
}

// rank returns the share of the graded photo darker than lightness l, as
// its tone quantiles, drawn apart (see spread), give it.
func (g *Grade) rank(l float64) float64 {
	q := g.quantiles
	if l <= float64(q[0]) {
		return ToneQuantiles[0] * l / max(float64(q[0]), 1e-6)
	}
	for i := 1; i < ToneKnots; i++ {
		if l <= float64(q[i]) {
			t := (l - float64(q[i-1])) / max(float64(q[i]-q[i-1]), 1e-6)
			return ToneQuantiles[i-1] + t*(ToneQuantiles[i]-ToneQuantiles[i-1])
		}
	}
	return ToneQuantiles[ToneKnots-1] + (1-ToneQuantiles[ToneKnots-1])*(l-float64(q[ToneKnots-1]))/max(100-float64(q[ToneKnots-1]), 1e-6)
}

// Tone maps a lightness through the grade's tone curve.
func (g *Grade) Tone(l float64) float64 {
	xs, ys := g.ToneIn, g.ToneOut
	if l <= float64(xs[0]) {
		return float64(ys[0])
	}
	n := len(xs)
	if l >= float64(xs[n-1]) {
		return float64(ys[n-1])
	}
	i := 0
	for i+2 < n && l > float64(xs[i+1]) {
		i++
	}
	h := float64(xs[i+1] - xs[i])
	t := (l - float64(xs[i])) / h
	t2, t3 := t*t, t*t*t
	return (2*t3-3*t2+1)*float64(ys[i]) + (t3-2*t2+t)*h*float64(g.slopes[i]) +
		(-2*t3+3*t2)*float64(ys[i+1]) + (t3-t2)*h*float64(g.slopes[i+1])
}

// Apply returns m graded.
func (g *Grade) Apply(m *imaging.RGB) (*imaging.RGB, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("look: grade: %w", err)
	}
	if len(g.ToneIn) < 2 || len(g.ToneIn) != len(g.ToneOut) {
		return nil, fmt.Errorf("look: a grade with %d tone knots", len(g.ToneIn))
	}
	if g.slopes == nil {
		g.slopes = monotoneSlopes(g.ToneIn, g.ToneOut)
	}
	n := m.W * m.H
	lab := imaging.NewLab(m.W, m.H)
	L, A, B := lab.Plane(0), lab.Plane(1), lab.Plane(2)
	var depth []float32
	if g.Haze != 0 {
		depth = hazeDepth(m)
	}
	orig := make([]float32, n)
	for i := range n {
		r, gg, b := m.Pix[i], m.Pix[n+i], m.Pix[2*n+i]
		if g.Haze != 0 {
			d := depth[i]
			r, gg, b = g.hazeValue(r, 0, d), g.hazeValue(gg, 1, d), g.hazeValue(b, 2, d)
		}
		l0, l, a, bb := g.light(float64(r), float64(gg), float64(b))
		orig[i], L[i], A[i], B[i] = float32(l0), float32(l), float32(a), float32(bb)
	}
	if g.Detail != 1 && g.Detail != 0 {
		mean := localMean(L, m.W, m.H)
		for i, v := range L {
			L[i] = max(0, min(100, mean[i]+g.Detail*(v-mean[i])))
		}
	}
	out := imaging.NewRGB(m.W, m.H)
	for i := range n {
		l, a, b := float64(L[i]), float64(A[i]), float64(B[i])
		c := math.Hypot(a, b)
		f := 1.0
		if g.Follow != 0 {
			// Exposure in linear light scales a*, b* as it does L*+16.
			f = math.Pow((l+16)/(float64(orig[i])+16), float64(g.Follow))
		}
		if c > 1e-6 {
			k0, k1, t := sectorOf(math.Atan2(b, a))
			f *= (1-t)*float64(g.Chroma[k0]) + t*float64(g.Chroma[k1])
		}
		r, gg, bb := inGamut(l, a*f, b*f)
		out.Pix[i], out.Pix[n+i], out.Pix[2*n+i] = float32(r), float32(gg), float32(bb)
	}
	return out, nil
}

// light gives one sRGB colour the grade's light and tone: its lightness
// before, and its CIELAB colour after the white balance (by the pixel's
// band, luminance kept) and the tone curve.
func (g *Grade) light(r, gg, b float64) (l0, l, a, bb float64) {
	lr, lg, lb := imaging.SRGBToLinear(r), imaging.SRGBToLinear(gg), imaging.SRGBToLinear(b)
	_, y0, _ := imaging.LinearToXYZ(lr, lg, lb)
	l0 = imaging.Lightness(y0) // SRGBToLab's L*, from the linear values at hand
	var k [3]float64
	for band, w := range bandWeights(g.rank(l0)) {
		for c := range 3 {
			k[c] += w * float64(g.Gains[band][c])
		}
	}
	yr := 0.2126*lr + 0.7152*lg + 0.0722*lb
	lr, lg, lb = lr*k[0], lg*k[1], lb*k[2]
	if y1 := 0.2126*lr + 0.7152*lg + 0.0722*lb; y1 > 0 {
		s := yr / y1
		lr, lg, lb = lr*s, lg*s, lb*s
	}
	x, y, z := imaging.LinearToXYZ(lr, lg, lb)
	l, a, bb = imaging.XYZToLab(x, y, z)
	return l0, g.Tone(l), a, bb
}

// inGamut converts a CIELAB colour to sRGB, lowering its chroma (hue and
// lightness kept) until it fits, rather than clipping channels, which
// turns hues.
func inGamut(l, a, b float64) (float64, float64, float64) {
	r, g, bb := imaging.LabToSRGB(l, a, b)
	if r >= 0 && r <= 1 && g >= 0 && g <= 1 && bb >= 0 && bb <= 1 {
		return r, g, bb
	}
	lo, hi := 0.0, 1.0
	for range 8 {
		mid := (lo + hi) / 2
		r, g, bb = imaging.LabToSRGB(l, a*mid, b*mid)
		if r >= 0 && r <= 1 && g >= 0 && g <= 1 && bb >= 0 && bb <= 1 {
			lo = mid
		} else {
			hi = mid
		}
	}
	r, g, bb = imaging.LabToSRGB(l, a*lo, b*lo)
	return clamp01f(r), clamp01f(g), clamp01f(bb)
}

func clamp01f(v float64) float64 { return max(0, min(1, v)) }
