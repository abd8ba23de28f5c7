// Package look holds a photo's look as data and the classical ways to get
// one: the bilateral grid of local affine colour transforms (fitted to a
// target) that
// carries a look from the working size to the full-size photo, its
// luminance curve exported as a 3D LUT, and the global CIELAB colour match
// of Reinhard et al., the baseline every look is measured against.
//
// All images are imaging.RGB: planar float32 sRGB samples in [0, 1].
package look
