package score

import (
	"fmt"
	"math"
	"sort"

	"sentiment/imaging"
	"sentiment/ssim"
)

// Thresholds of the diagnostics, in CIELAB units and degrees.
const (
	// NeutralChroma is the chroma below which an input pixel is neutral
	// (snow, cloud, a grey road, a white wall); CastChroma the chroma
	// above which such a pixel has been given a colour of its own.
	NeutralChroma = 6
	CastChroma    = 20
	// ColouredChroma is the chroma from which a pixel's hue is its
	// colour, and TurnDegrees the turn of hue that changes it into
	// another colour (a yellow cap white or green, an orange pink).
	ColouredChroma = 15
	TurnDegrees    = 60
)

// Looks are the seven numbers a photo's look is summed up by for the mood
// direction: L* mean, 5th and 95th percentile, standard deviation (its
// contrast), mean chroma, mean a* and mean b*.
type Looks [7]float64

// LooksOf returns m's seven numbers.
func LooksOf(m *imaging.RGB) (Looks, error) {
	if err := m.Validate(); err != nil {
		return Looks{}, err
	}
	n := m.W * m.H
	ls := make([]float64, n)
	var s Looks
	var sl, sll float64
	for i := range n {
		l, a, b := imaging.SRGBToLab(float64(m.Pix[i]), float64(m.Pix[n+i]), float64(m.Pix[2*n+i]))
		ls[i] = l
		sl += l
		sll += l * l
		s[4] += math.Hypot(a, b)
		s[5] += a
		s[6] += b
	}
	sort.Float64s(ls)
	s[0] = sl / float64(n)
	s[1] = ls[int(0.05*float64(n-1))]
	s[2] = ls[int(0.95*float64(n-1))]
	s[3] = math.Sqrt(max(0, sll/float64(n)-s[0]*s[0]))
	for k := 4; k < 7; k++ {
		s[k] /= float64(n)
	}
	return s, nil
}

// Signature is a mood's direction among the collection's looks: the mean
// Looks of its references minus the mean Looks of every reference.
func Signature(mood, all []Looks) (Looks, error) {
	if len(mood) == 0 || len(all) == 0 {
		return Looks{}, fmt.Errorf("score: a signature of %d references among %d", len(mood), len(all))
	}
	var s Looks
	for k := range s {
		var a, b float64
		for _, l := range mood {
			a += l[k]
		}
		for _, l := range all {
			b += l[k]
		}
		s[k] = a/float64(len(mood)) - b/float64(len(all))
	}
	return s, nil
}

// Diagnostics are what a viewer would see wrong or right in a result,
// measured against its input.
type Diagnostics struct {
	// NeutralCast is the share of the input's neutral pixels that came out
	// coloured (chroma above CastChroma); NeutralHue how much the colours
	// the neutral pixels took share one hue (the resultant length of
	// their hues weighted by chroma: 1 is one tint, near 0 several that
	// cancel), and NeutralChroma their mean chroma after.
	NeutralCast, NeutralHue, NeutralChroma float64
	// HueTurns is the share of the input's coloured pixels whose hue
	// turned by more than TurnDegrees.
	HueTurns float64
	// DeltaL, DeltaP5, DeltaP95 and DeltaContrast are the changes of L*'s
	// mean, 5th and 95th percentile and standard deviation.
	DeltaL, DeltaP5, DeltaP95, DeltaContrast float64
	// Structure is SSIM's structure term on luma (ssim.Terms), which a
	// change of brightness or contrast leaves whole.
	Structure float64
	// Direction is the cosine between the change of Looks and the mood's
	// Signature (1: straight into the mood; 0 with no signature).
	Direction float64
}

// Diagnose measures output against input (the same size) and the mood's
// signature.
func Diagnose(input, output *imaging.RGB, mood Looks) (Diagnostics, error) {
	if err := input.Validate(); err != nil {
		return Diagnostics{}, err
	}
	if err := output.Validate(); err != nil {
		return Diagnostics{}, err
	}
	if input.W != output.W || input.H != output.H {
		return Diagnostics{}, fmt.Errorf("score: a %d×%d input and a %d×%d output", input.W, input.H, output.W, output.H)
	}
	var d Diagnostics
	n := input.W * input.H
	var neutral, cast, coloured, turned float64
	var hx, hy, nc float64
	for i := range n {
		_, a0, b0 := imaging.SRGBToLab(float64(input.Pix[i]), float64(input.Pix[n+i]), float64(input.Pix[2*n+i]))
		_, a1, b1 := imaging.SRGBToLab(float64(output.Pix[i]), float64(output.Pix[n+i]), float64(output.Pix[2*n+i]))
		c0, c1 := math.Hypot(a0, b0), math.Hypot(a1, b1)
		switch {
		case c0 < NeutralChroma:
			neutral++
			if c1 > CastChroma {
				cast++
			}
			hx += a1
			hy += b1
			nc += c1
		case c0 >= ColouredChroma:
			coloured++
			turn := math.Abs(math.Atan2(b1, a1) - math.Atan2(b0, a0))
			if turn > math.Pi {
				turn = 2*math.Pi - turn
			}
			if turn > TurnDegrees*math.Pi/180 {
				turned++
			}
		}
	}
	if neutral > 0 {
		d.NeutralCast = cast / neutral
		d.NeutralChroma = nc / neutral
		if nc > 0 {
			d.NeutralHue = math.Hypot(hx, hy) / nc
		}
	}
	if coloured > 0 {
		d.HueTurns = turned / coloured
	}
	li, err := LooksOf(input)
	if err != nil {
		return d, err
	}
	lo, err := LooksOf(output)
	if err != nil {
		return d, err
	}
	d.DeltaL, d.DeltaP5, d.DeltaP95, d.DeltaContrast = lo[0]-li[0], lo[1]-li[1], lo[2]-li[2], lo[3]-li[3]
	var dot, nn, nm float64
	for k := range lo {
		c := lo[k] - li[k]
		dot += c * mood[k]
		nn += c * c
		nm += mood[k] * mood[k]
	}
	if nn > 0 && nm > 0 {
		d.Direction = dot / math.Sqrt(nn*nm)
	}
	cmp, err := ssim.NewComparer(input.Luma(), input.W, input.H, 1)
	if err != nil {
		return d, err
	}
	t, err := cmp.Terms(output.Luma())
	if err != nil {
		return d, err
	}
	d.Structure = t.Structure
	return d, nil
}
