// Package look holds a photo's look as data and the classical ways to get
// one: the bilateral grid of local affine colour transforms that carries a
// look from the working size to the full-size photo (fitted to a target
// with Fit, or made the unknown of an optimization: Slice applies it as a
// differentiable node of its coefficients, Smoothness and Contrast are its
// priors), its luminance curve exported as a 3D LUT, and the global
// CIELAB colour match of Reinhard et al., the baseline every look is
// measured against.
//
// All images are imaging.RGB: planar float32 sRGB samples in [0, 1].
package look
