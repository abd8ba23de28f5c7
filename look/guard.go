package look

import (
	"fmt"
	"math"

	"sentiment/imaging"
)

// Guard bounds how far a look may move each colour of a photo, so that
// objects keep the colours a viewer knows them by: a coloured surface
// keeps its family of hues, skin stays skin, and a neutral surface takes
// at most a tint, never a colour of its own.
type Guard struct {
	// MaxTurn is the largest turn of hue, in degrees, of a coloured
	// pixel (chroma at least Coloured).
	MaxTurn  float64
	Coloured float64
	// SkinTurn, SkinMinChroma and SkinMaxChroma bound a skin-coloured
	// pixel's hue turn and the ratio of its chroma after to before.
	SkinTurn, SkinMinChroma, SkinMaxChroma float64
	// Neutral is the chroma under which a pixel counts as neutral (snow,
	// cloud, a grey wall), and NeutralMax the chroma it may reach.
	Neutral, NeutralMax float64
	// Vivid is the chroma from which a colour is an object's own (a
	// yellow car, a red cap): it keeps at least VividKeep of its chroma,
	// so that a faded mood leaves it pale yellow, not white.
	Vivid, VividKeep float64
	// Faded is the share of chroma a look leaves the photo's other
	// colours below which the floors of skin's and vivid colours' chroma
	// come down with it, in proportion. A floor keeps an object's colour
	// from a look that takes it more than the rest's; a look that takes
	// nearly all colour from everything alike (a black-and-white mood)
	// takes it from skin too, or leaves the only coloured faces in a
	// grey world. Above Faded the floors hold: a half-faded photo with
	// grey faces reads as wrong.
	Faded float64
}

// DefaultGuard is the guard every mood is held to.
var DefaultGuard = Guard{
	MaxTurn: 40, Coloured: 12,
	SkinTurn: 12, SkinMinChroma: 0.5, SkinMaxChroma: 1.3,
	Neutral: 6, NeutralMax: 24,
	Vivid: 30, VividKeep: 0.3,
	Faded: 0.35,
}

// skinLike reports how much a CIELAB colour looks like skin, from 0 to 1:
// the orange hues of every skin tone (about 25° to 70° in a*b*) at
// moderate chroma, from the darkest skin in shadow (L* 12) to the palest
// in light. Wood, sand, brick and brown hair fall in it too; they are
// memory colours as well (a cold cast turns dark hair violet as readily
// as it greys dark skin), and guarding them costs little.
func skinLike(l, c, h float64) float64 {
	if l < 12 || l > 92 || c < 6 || c > 45 {
		return 0
	}
	d := h*180/math.Pi - 50
	if d > 180 {
		d -= 360
	}
	return math.Exp(-(d * d) / (2 * 11 * 11))
}

// Apply returns out with each pixel's colour brought within the guard's
// bounds of the same pixel in in (the two of one size).
func (g Guard) Apply(in, out *imaging.RGB) (*imaging.RGB, error) {
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("look: guard: %w", err)
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("look: guard: %w", err)
	}
	if in.W != out.W || in.H != out.H {
		return nil, fmt.Errorf("look: guard: %d×%d photo, %d×%d look", in.W, in.H, out.W, out.H)
	}
	g = g.fadedBy(in, out)
	res := imaging.NewRGB(in.W, in.H)
	n := in.W * in.H
	for i := range n {
		l0, a0, b0 := imaging.SRGBToLab(float64(in.Pix[i]), float64(in.Pix[n+i]), float64(in.Pix[2*n+i]))
		l1, a1, b1 := imaging.SRGBToLab(float64(out.Pix[i]), float64(out.Pix[n+i]), float64(out.Pix[2*n+i]))
		a, b := g.colour(l0, a0, b0, a1, b1)
		if r, gg, bb := out.Pix[i], out.Pix[n+i], out.Pix[2*n+i]; a == a1 && b == b1 && inUnit(r) && inUnit(gg) && inUnit(bb) {
			// Within every bound: the look's own pixel, which the round
			// trip through CIELAB would give back at a cost.
			res.Pix[i], res.Pix[n+i], res.Pix[2*n+i] = r, gg, bb
			continue
		}
		r, gg, bb := inGamut(l1, a, b)
		res.Pix[i], res.Pix[n+i], res.Pix[2*n+i] = float32(r), float32(gg), float32(bb)
	}
	return res, nil
}

// fadedBy returns g with its chroma floors lowered by how much the look
// out fades in's coloured pixels that are not skin (Faded), measured on
// every third pixel.
func (g Guard) fadedBy(in, out *imaging.RGB) Guard {
	if g.Faded <= 0 {
		return g
	}
	n := in.W * in.H
	var before, after float64
	for i := 0; i < n; i += 3 {
		l0, a0, b0 := imaging.SRGBToLab(float64(in.Pix[i]), float64(in.Pix[n+i]), float64(in.Pix[2*n+i]))
		c0 := math.Hypot(a0, b0)
		if c0 < g.Coloured || skinLike(l0, c0, math.Atan2(b0, a0)) > 0.3 {
			continue
		}
		_, a1, b1 := imaging.SRGBToLab(float64(out.Pix[i]), float64(out.Pix[n+i]), float64(out.Pix[2*n+i]))
		before += c0
		after += math.Hypot(a1, b1)
	}
	if before > 0 {
		k := min(1, after/before/g.Faded)
		g.SkinMinChroma *= k
		g.VividKeep *= k
	}
	return g
}

// inUnit reports whether v is within [0, 1].
func inUnit(v float32) bool { return v >= 0 && v <= 1 }

// colour returns the guarded a*, b* of a pixel that was (l0, a0, b0) and
// became (·, a1, b1): a1, b1 themselves where no bound holds it.
func (g Guard) colour(l0, a0, b0, a1, b1 float64) (float64, float64) {
	c0, c1 := math.Hypot(a0, b0), math.Hypot(a1, b1)
	if c0 < g.Neutral {
		if c1 > g.NeutralMax {
			k := g.NeutralMax / c1
			return a1 * k, b1 * k
		}
		return a1, b1
	}
	h0, h1 := math.Atan2(b0, a0), math.Atan2(b1, a1)
	turn := h1 - h0
	for turn > math.Pi {
		turn -= 2 * math.Pi
	}
	for turn < -math.Pi {
		turn += 2 * math.Pi
	}
	// The allowed turn narrows from MaxTurn for colours to SkinTurn for
	// skin; below Coloured, hue is weakly defined and may turn freely
	// in proportion.
	skin := skinLike(l0, c0, h0)
	maxTurn := (g.MaxTurn + skin*(g.SkinTurn-g.MaxTurn)) * math.Pi / 180
	if c0 < g.Coloured {
		maxTurn += (math.Pi - maxTurn) * (g.Coloured - c0) / (g.Coloured - g.Neutral)
	}
	turned := math.Abs(turn) > maxTurn
	if turned {
		turn = math.Copysign(maxTurn, turn)
	}
	c := c1
	if skin > 0 {
		// Skin's chroma within its bounds, in proportion to how skin-like
		// the colour is.
		held := max(c0*g.SkinMinChroma, min(c0*g.SkinMaxChroma, c))
		c += skin * (held - c)
	}
	if c0 >= g.Vivid {
		c = max(c, g.VividKeep*c0)
	}
	if !turned && c == c1 {
		return a1, b1
	}
	h := h0 + turn
	return c * math.Cos(h), c * math.Sin(h)
}
