package look

import (
	"fmt"
	"math"
	"sort"
)

// A Mood is the light that a mood's references share: their typical light
// and, dimension by dimension, how far they spread around it. A trait the
// references agree on (every golden photo has amber light) defines the
// mood; one they disagree on (golden photos are dark or bright) does not,
// and a photo given the mood keeps its own there.
type Mood struct {
	Light, Spread Light
}

// lightScale is the size of a noticeable difference in each dimension of
// a light's vector (tone in L*, tint in log-chromaticity, each hue's
// chroma, detail in L*, haze in sRGB): distances and spreads are read in
// these units.
var lightScale = func() (v [lightLen]float32) {
	i := 0
	for range ToneKnots {
		v[i] = 8
		i++
	}
	for range 2 * ToneBands {
		v[i] = 0.08
		i++
	}
	for range HueSectors {
		v[i] = 1.5
		i++
	}
	v[i], v[i+1] = 1, 0.04
	return v
}()

// NewMood returns the mood of the given lights (a mood's references,
// weighted by the caller: by how alike in structure each is to the photo,
// say). Each light is further weighted by how typical it is — how close to
// the others — so that an unusual or mislabelled reference cannot drag
// the mood away.
func NewMood(ls []WeightedLight) (Mood, error) {
	plain, err := Mean(ls)
	if err != nil {
		return Mood{}, err
	}
	if len(ls) == 1 {
		return Mood{Light: plain}, nil
	}
	d := make([]float64, len(ls))
	for i, l := range ls {
		d[i] = distance(l.Light, plain)
	}
	sorted := append([]float64(nil), d...)
	sort.Float64s(sorted)
	med := max(sorted[len(sorted)/2], 1e-6)
	typ := make([]WeightedLight, len(ls))
	for i, l := range ls {
		r := d[i] / med
		typ[i] = WeightedLight{Light: l.Light, Weight: l.Weight * math.Exp(-r*r/2)}
	}
	mean, err := Mean(typ)
	if err != nil {
		return Mood{}, err
	}
	// The weighted spread around the typical light.
	m := mean.vector()
	var acc [lightLen]float64
	var total float64
	for _, l := range typ {
		v := l.Light.vector()
		for k := range acc {
			dv := float64(v[k] - m[k])
			acc[k] += l.Weight * dv * dv
		}
		total += l.Weight
	}
	var sp [lightLen]float32
	for k := range acc {
		sp[k] = float32(math.Sqrt(acc[k] / total))
	}
	return Mood{Light: mean, Spread: lightOf(sp)}, nil
}

// distance is the distance between two lights in units of lightScale.
func distance(a, b Light) float64 {
	va, vb := a.vector(), b.vector()
	var s float64
	for k := range va {
		d := float64(va[k]-vb[k]) / float64(lightScale[k])
		s += d * d
	}
	return math.Sqrt(s)
}

// Settings say how far a photo is moved toward a mood, trait by trait.
type Settings struct {
	// Absolute is the share of the distance from the photo's own trait to
	// the mood's that the photo moves; Relative is how many times the
	// mood's difference from the collection's average light it moves on
	// top, so that a photo already near the mood still moves into it.
	// They differ by kind of trait: the colour of a mood's light is the
	// mood's own, and a photo takes it (a large Absolute); how bright its
	// references are, or how much of each hue they hold, is much of it
	// what they show (snow is bright, a meadow green), so a photo keeps
	// its own and moves by the mood's difference alone.
	Absolute, Relative Traits
	// Agree is the difference from the average, in spreads of the mood's
	// references, from which a trait counts fully as the mood's; half of
	// it counts not at all. From twice Agree a trait's relative move
	// grows with its difference, up to MaxSalience times.
	Agree, MaxSalience float64
}

// Traits holds a number for each kind of a light's traits.
type Traits struct {
	Tone, Tint, Hue, Detail, Haze float64
}

// isHue reports whether the light vector's dimension k is a hue family's
// chroma.
func isHue(k int) bool { return k >= ToneKnots+2*ToneBands && k < ToneKnots+2*ToneBands+HueSectors }

// of returns the number of the light vector's dimension k.
func (t Traits) of(k int) float64 {
	switch {
	case k < ToneKnots:
		return t.Tone
	case k < ToneKnots+2*ToneBands:
		return t.Tint
	case k < ToneKnots+2*ToneBands+HueSectors:
		return t.Hue
	case k == detailDim:
		return t.Detail
	}
	return t.Haze
}

// valid reports whether every number is in [0, hi].
func (t Traits) valid(hi float64) bool {
	for _, v := range []float64{t.Tone, t.Tint, t.Hue, t.Detail, t.Haze} {
		if !(v >= 0 && v <= hi) {
			return false
		}
	}
	return true
}

// Valid reports whether s can be used: Absolute within [0, 1], Relative
// within [0, 4], Agree positive, MaxSalience from 1, all finite.
func (s Settings) Valid() bool {
	return s.Absolute.valid(1) && s.Relative.valid(4) && s.Agree > 0 && s.MaxSalience >= 1 && !math.IsInf(s.Agree+s.MaxSalience, 0)
}

// DefaultSettings are the settings the moods are given with.
var DefaultSettings = Settings{
	Absolute: Traits{Tone: 0.5, Tint: 1, Hue: 0.4, Detail: 0.7, Haze: 0.8},
	Relative: Traits{Tone: 1.95, Tint: 2.25, Hue: 1.5, Detail: 1.8, Haze: 1.95},
	Agree:    0.3, MaxSalience: 2,
}

// Target returns the light a photo of light in is given in mood m, base
// being the collection's average light.
func Target(in Light, m Mood, base Light, s Settings) (Light, error) {
	if !s.Valid() {
		return Light{}, fmt.Errorf("look: mood settings %+v", s)
	}
	vi, vm, vs, vb := in.vector(), m.Light.vector(), m.Spread.vector(), base.vector()
	var out [lightLen]float32
	var whole [3]float64 // Σ base·agreement, Σ base·salience, Σ base over the hue families
	for k := range vi {
		sc := float64(lightScale[k])
		// How much the references agree that the mood differs here.
		z := math.Abs(float64(vm[k]-vb[k])) / (float64(vs[k]) + 0.25*sc)
		w := min(1, max(0, (z-s.Agree/2)/(s.Agree/2)))
		if k == hazeDim && vm[k] > vb[k] {
			w *= airborne(vm, vb)
		}
		// The traits that set the mood most apart are pushed furthest.
		sal := min(s.MaxSalience, max(1, z/(2*s.Agree)))
		a, r := s.Absolute.of(k), sal*s.Relative.of(k)
		if isHue(k) {
			// How much of a hue a picture holds scales, from a pale photo
			// to a vivid one: a mood's "less colour" is a ratio, which a
			// vivid photo takes as it would its own.
			out[k] = float32(scaled(float64(vi[k]), float64(vm[k]), float64(vb[k]), hueFloor, w*a, w*r))
			// The families' agreement and salience, weighted by how much
			// of the collection's colour each holds, are the whole's.
			whole[0] += float64(vb[k]) * w
			whole[1] += float64(vb[k]) * sal
			whole[2] += float64(vb[k])
			continue
		}
		mv := a*float64(vm[k]-vi[k]) + r*float64(vm[k]-vb[k])
		out[k] = vi[k] + float32(w*mv)
	}
	if whole[2] > 0 {
		// The families say which hues the mood favours; how much colour
		// the photo keeps in all is the mood's whole chroma against the
		// collection's. Summed, the families' moves would carry the
		// references' content colours: "misty" references hold no
		// orange, and an orange photo would come out grey.
		var si, sm, sb, so float64
		for k := range vi {
			if isHue(k) {
				si, sm, sb, so = si+float64(vi[k]), sm+float64(vm[k]), sb+float64(vb[k]), so+float64(max(0, out[k]))
			}
		}
		w, sal := whole[0]/whole[2], whole[1]/whole[2]
		t := scaled(si, sm, sb, HueSectors*hueFloor, w*s.Absolute.Hue, w*sal*s.Relative.Hue)
		for k := range out {
			if isHue(k) && so > 0 {
				out[k] = float32(float64(max(0, out[k])) * max(0, t) / so)
			}
		}
	}
	return lightOf(out).clamped(), nil
}

// hueFloor is the chroma, per family of hues, under which a family's
// ratios are damped: a pale photo's nearly absent hue is not multiplied.
const hueFloor = 0.3

// scaled returns a photo's amount i of colour moved toward a mood's m, the
// collection's b, as ratios: by the share a of the way to m and r times
// m's ratio to b, in logarithms above floor.
func scaled(i, m, b, floor, a, r float64) float64 {
	li, lm, lb := math.Log(i+floor), math.Log(m+floor), math.Log(b+floor)
	return math.Exp(li+a*(lm-li)+r*(lm-lb)) - floor
}

// detailDim and hazeDim are the light vector's dimensions of Detail and
// Haze.
const (
	detailDim = lightLen - 2
	hazeDim   = lightLen - 1
)

// hazeSoftening is the loss of local contrast, in L*, from which a mood's
// extra haze counts fully as the air's.
const hazeSoftening = 1.0

// airborne returns how much of a mood's extra haze (light vector vm, the
// collection's vb) is the air's: haze is a veil, and softens local
// contrast as it lifts the dark floor. References that are hazier without
// being softer (snowfields, white skies: the "cold" of a snowy collection)
// owe their high dark floor to what they show, and a photo given the mood
// — cherries on black — would only come out faded.
func airborne(vm, vb [lightLen]float32) float64 {
	soft := float64(vb[detailDim]-vm[detailDim]) / hazeSoftening
	return min(1, max(0, soft))
}

// clamped returns l with every number within what a picture can have.
func (l Light) clamped() Light {
	for q := range l.Tone {
		l.Tone[q] = max(0, min(100, l.Tone[q]))
		if q > 0 {
			l.Tone[q] = max(l.Tone[q], l.Tone[q-1])
		}
	}
	for k := range l.Hue {
		l.Hue[k] = max(0, l.Hue[k])
	}
	l.Detail = max(0, l.Detail)
	l.Haze = max(0, min(1, l.Haze))
	return l
}
