package look

import "sentiment/imaging"

// A Mix says how much of a look's change a result gets, in its two parts: Light weighs the change of lightness (the luma of the change,
// added to all three channels alike) and Colour the rest of it (the change
// at constant luma: hue and saturation). {1, 1} is the whole look, {0, 0}
// none of it.
//
// The two parts are weighed apart because they cost a photo differently.
// A change of colour leaves its structure alone, while a change of
// lightness is where structure goes: shadows crushed, highlights blown,
// local contrast flattened. Measured over the 13 inputs (`sentiment eval`),
// SSIM to the input falls almost only through its luminance term (0.90 for
// Reinhard's match at 0.8, against 0.98 and 1.00 for its contrast and
// structure terms), and a judge network's Gram matrices move further
// toward the reference per unit of structure lost when colour leads.
type Mix struct{ Light, Colour float32 }

// ColourLead is the strength at which the colour part of a look is whole:
// below it both parts grow with the strength, the colour 1/ColourLead times
// faster; above it only the lightness grows, reaching the whole look at 1.
// Measured with Reinhard's match over the 13 inputs (SSIM / colour
// movement / DenseNet121's style movement): the plain blend at 0.8 gives
// 0.879 / 0.75 / 0.146, the colour whole with lightness at 0.6 gives
// 0.930 / 0.75 / 0.159 and with lightness at 0.5 0.950 / 0.70 / 0.155, so
// at the middle of the slider a mood is already clear.
const ColourLead = 0.5

// MixAt is the mix a strength in [0, 1] gives: lightness in proportion,
// colour ahead of it until ColourLead, both whole at 1.
func MixAt(strength float32) Mix {
	return Mix{Light: strength, Colour: min(1, strength/ColourLead)}
}

// MixKnots are the strengths, in (0, 1] and ascending, at which MixAt's
// pieces meet: between two of them (and from 0 to the first) a look's
// rendering is linear in the strength, so renderings at the knots blend
// into the exact rendering at any strength but where one was clipped.
// The page's slider blends so at once, before the exact rendering.
func MixKnots() []float32 {
	if ColourLead > 0 && ColourLead < 1 {
		return []float32{ColourLead, 1}
	}
	return []float32{1}
}

// mixAffines writes into dst the affine colour models (row-major 3×4, one
// after another) that give the mix m of each model's change in src: the
// identity plus the mixed difference from it, which is exact because a
// change mixes linearly in the model's coefficients.
func mixAffines(dst, src []float32, m Mix) {
	var id [12]float32
	for k, v := range identityAffine {
		id[k] = float32(v)
	}
	for o := 0; o+12 <= len(src); o += 12 {
		for col := range 4 {
			d0 := src[o+col] - id[col]
			d1 := src[o+4+col] - id[4+col]
			d2 := src[o+8+col] - id[8+col]
			dy := (m.Light - m.Colour) * imaging.LumaOf(d0, d1, d2) // linear: the luma of a change
			dst[o+col] = id[col] + m.Colour*d0 + dy
			dst[o+4+col] = id[4+col] + m.Colour*d1 + dy
			dst[o+8+col] = id[8+col] + m.Colour*d2 + dy
		}
	}
}

// Mixed returns the grid whose look is the mix m of g's: applied at
// strength 1 it gives what g gives with its lightness and colour changes
// weighed by m.
func (g *Grid) Mixed(m Mix) *Grid {
	out := &Grid{cx: g.cx, cy: g.cy, bins: g.bins, coef: make([]float32, len(g.coef)), curve: g.curve.Mixed(m)}
	mixAffines(out.coef, g.coef, m)
	return out
}

// Mixed returns the curve whose look is the mix m of c's.
func (c *Curve) Mixed(m Mix) *Curve {
	out := &Curve{bins: c.bins, coef: make([]float32, len(c.coef))}
	mixAffines(out.coef, c.coef, m)
	return out
}
