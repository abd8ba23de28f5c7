package imaging

import (
	"fmt"
	"math"
)

// Colour spaces. RGB samples are sRGB-encoded (IEC 61966-2-1); the
// conversions here go encoded sRGB ↔ linear sRGB ↔ CIE XYZ (D65) ↔ CIELAB
// (CIE 1976 L*a*b*, D65 white), in float64 with the standard's exact
// formulas. Scalar functions do not clamp, so out-of-gamut colours survive a
// round trip; only conversions into an RGB image clamp to [0, 1].

// The standard's primaries and white point as CIE 1931 xy chromaticities.
// The RGB→XYZ matrix is derived from them rather than copied as the
// standard's rounded four-digit table, so that white maps exactly onto the
// white point used by CIELAB (a* = b* = 0 for every grey).
var (
	primaries = [3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}
	whiteD65  = [2]float64{0.3127, 0.3290}
)

// white is the D65 white point in XYZ with Y = 1; rgbToXYZ and xyzToRGB
// are the linear-sRGB ↔ XYZ matrices.
var white, rgbToXYZ, xyzToRGB = deriveMatrices()

// xyz returns the XYZ of chromaticity (x, y) at Y = 1.
func xyz(c [2]float64) [3]float64 {
	return [3]float64{c[0] / c[1], 1, (1 - c[0] - c[1]) / c[1]}
}

// deriveMatrices scales each primary so that R = G = B = 1 gives the white
// point (the standard construction of an RGB space's matrix).
func deriveMatrices() (w [3]float64, m, inv [3][3]float64) {
	w = xyz(whiteD65)
	var p [3][3]float64 // columns: the primaries' XYZ at Y = 1
	for j, c := range primaries {
		v := xyz(c)
		for i := range 3 {
			p[i][j] = v[i]
		}
	}
	pinv := invert3(p)
	var s [3]float64
	for i := range 3 {
		s[i] = pinv[i][0]*w[0] + pinv[i][1]*w[1] + pinv[i][2]*w[2]
	}
	for i := range 3 {
		for j := range 3 {
			m[i][j] = p[i][j] * s[j]
		}
	}
	return w, m, invert3(m)
}

// invert3 inverts a 3×3 matrix by cofactors (the matrices here are far from
// singular).
func invert3(a [3][3]float64) (r [3][3]float64) {
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) -
		a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) +
		a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	for i := range 3 {
		for j := range 3 {
			// cofactor of a[j][i] (transposed: the adjugate)
			r0, r1 := (j+1)%3, (j+2)%3
			c0, c1 := (i+1)%3, (i+2)%3
			r[i][j] = (a[r0][c0]*a[r1][c1] - a[r0][c1]*a[r1][c0]) / det
		}
	}
	return r
}

// SRGBToLinear decodes one sRGB sample (the IEC 61966-2-1 transfer
// function). Negative values are mirrored, so out-of-gamut colours keep a
// monotonic, invertible mapping.
func SRGBToLinear(v float64) float64 {
	// Most samples are 8-bit values, as decoders give them: those are
	// looked up (the same numbers, without the logarithm and exponential
	// that make scoring a large photo slow).
	if k := v*255 + 0.5; k >= 0 && k < 256 {
		if i := int(k); float64(lut8[i]) == v {
			return linear8[i]
		}
	}
	return srgbToLinear(v)
}

// linear8 is srgbToLinear of the 8-bit values.
var linear8 = func() (t [256]float64) {
	for i := range t {
		t[i] = srgbToLinear(float64(lut8[i]))
	}
	return
}()

func srgbToLinear(v float64) float64 {
	if v < 0 {
		return -srgbToLinear(-v)
	}
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Exp(2.4 * math.Log((v+0.055)/1.055)) // math.Pow's special cases cost twice as much
}

// LinearToSRGB encodes one linear sample, the inverse of SRGBToLinear.
func LinearToSRGB(v float64) float64 {
	if v < 0 {
		return -LinearToSRGB(-v)
	}
	if v <= 0.0031308 {
		return v * 12.92
	}
	return 1.055*math.Exp(math.Log(v)/2.4) - 0.055
}

// LinearToXYZ converts linear sRGB to CIE XYZ (D65, Y of white = 1).
func LinearToXYZ(r, g, b float64) (x, y, z float64) {
	m := &rgbToXYZ
	return m[0][0]*r + m[0][1]*g + m[0][2]*b,
		m[1][0]*r + m[1][1]*g + m[1][2]*b,
		m[2][0]*r + m[2][1]*g + m[2][2]*b
}

// XYZToLinear converts CIE XYZ (D65) to linear sRGB, the inverse of
// LinearToXYZ.
func XYZToLinear(x, y, z float64) (r, g, b float64) {
	m := &xyzToRGB
	return m[0][0]*x + m[0][1]*y + m[0][2]*z,
		m[1][0]*x + m[1][1]*y + m[1][2]*z,
		m[2][0]*x + m[2][1]*y + m[2][2]*z
}

// CIE 1976 constants: the cube-root curve switches to a line below
// (6/29)³ so that it stays finite in slope at black.
const (
	labDelta = 6.0 / 29
	labLinK  = 1 / (3 * labDelta * labDelta) // slope of the linear segment
)

func labF(t float64) float64 {
	if t > labDelta*labDelta*labDelta {
		return math.Cbrt(t)
	}
	return t*labLinK + 4.0/29
}

func labFInv(t float64) float64 {
	if t > labDelta {
		return t * t * t
	}
	return (t - 4.0/29) / labLinK
}

// XYZToLab converts CIE XYZ to CIELAB relative to the D65 white.
func XYZToLab(x, y, z float64) (l, a, b float64) {
	fx, fy, fz := labF(x/white[0]), labF(y/white[1]), labF(z/white[2])
	return 116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)
}

// Lightness returns the CIELAB L* of a luminance y (CIE Y, white 1): the
// L* that XYZToLab gives, without the cube roots of X and Z.
func Lightness(y float64) float64 { return 116*labF(y/white[1]) - 16 }

// LabToXYZ converts CIELAB (D65 white) to CIE XYZ, the inverse of XYZToLab.
func LabToXYZ(l, a, b float64) (x, y, z float64) {
	fy := (l + 16) / 116
	return white[0] * labFInv(fy+a/500), white[1] * labFInv(fy), white[2] * labFInv(fy-b/200)
}

// SRGBToLab converts encoded sRGB to CIELAB.
func SRGBToLab(r, g, b float64) (l, a, bb float64) {
	return XYZToLab(LinearToXYZ(SRGBToLinear(r), SRGBToLinear(g), SRGBToLinear(b)))
}

// LabToSRGB converts CIELAB to encoded sRGB, without clamping.
func LabToSRGB(l, a, b float64) (r, g, bb float64) {
	lr, lg, lb := XYZToLinear(LabToXYZ(l, a, b))
	return LinearToSRGB(lr), LinearToSRGB(lg), LinearToSRGB(lb)
}

// LumaOf is the luma of one encoded sRGB colour, with the Rec. 601 weights
// of (*RGB).Luma; it serves per-pixel loops that should not allocate a
// whole luma plane.
func LumaOf(r, g, b float32) float32 {
	return 0.299*r + 0.587*g + 0.114*b
}

// Lab is a CIELAB image: three planes (L*, then a*, then b*), each W·H
// values in row order, the same layout as RGB. L* is in [0, 100]; a* and b*
// are roughly within ±128 for sRGB colours.
type Lab struct {
	W, H int
	Pix  []float32
}

// NewLab returns a w×h Lab image of zeros (black).
func NewLab(w, h int) *Lab {
	return &Lab{W: w, H: h, Pix: make([]float32, 3*w*h)}
}

// Plane returns channel c (0 = L*, 1 = a*, 2 = b*).
func (m *Lab) Plane(c int) []float32 { n := m.W * m.H; return m.Pix[c*n : (c+1)*n] }

// ToLab returns src converted to CIELAB.
func ToLab(src *RGB) (*Lab, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	dst := NewLab(src.W, src.H)
	convertToLab(dst.Pix, src.Pix, src.W*src.H)
	return dst, nil
}

// ToRGB returns the Lab image converted to sRGB, clamped to [0, 1].
func (m *Lab) ToRGB() (*RGB, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	dst := NewRGB(m.W, m.H)
	convertFromLab(dst.Pix, m.Pix, m.W*m.H)
	return dst, nil
}

// RGBToLab converts src into dst, which must have src's size. dst may share
// src's buffer (dst.Pix == src.Pix): each pixel is read before it is
// written, so an image can be converted in place without a second buffer.
func RGBToLab(dst *Lab, src *RGB) error {
	if err := src.Validate(); err != nil {
		return err
	}
	if err := dst.validate(); err != nil {
		return err
	}
	if dst.W != src.W || dst.H != src.H {
		return fmt.Errorf("imaging: converting a %d×%d image into a %d×%d one", src.W, src.H, dst.W, dst.H)
	}
	convertToLab(dst.Pix, src.Pix, src.W*src.H)
	return nil
}

// LabToRGB converts src into dst (clamped to [0, 1]), which must have
// src's size; as with RGBToLab, the two may share a buffer.
func LabToRGB(dst *RGB, src *Lab) error {
	if err := src.validate(); err != nil {
		return err
	}
	if err := dst.Validate(); err != nil {
		return err
	}
	if dst.W != src.W || dst.H != src.H {
		return fmt.Errorf("imaging: converting a %d×%d image into a %d×%d one", src.W, src.H, dst.W, dst.H)
	}
	convertFromLab(dst.Pix, src.Pix, src.W*src.H)
	return nil
}

func (m *Lab) validate() error {
	if m.W <= 0 || m.H <= 0 || len(m.Pix) != 3*m.W*m.H {
		return fmt.Errorf("imaging: %d×%d Lab image with %d samples", m.W, m.H, len(m.Pix))
	}
	return nil
}

func convertToLab(dst, src []float32, n int) {
	for i := range n {
		l, a, b := SRGBToLab(float64(src[i]), float64(src[n+i]), float64(src[2*n+i]))
		dst[i], dst[n+i], dst[2*n+i] = float32(l), float32(a), float32(b)
	}
}

func convertFromLab(dst, src []float32, n int) {
	for i := range n {
		r, g, b := LabToSRGB(float64(src[i]), float64(src[n+i]), float64(src[2*n+i]))
		dst[i], dst[n+i], dst[2*n+i] = clamp01(r), clamp01(g), clamp01(b)
	}
}

// clamp01 clamps to [0, 1]; NaN becomes 0.
func clamp01(v float64) float32 {
	switch {
	case !(v > 0):
		return 0
	case v >= 1:
		return 1
	}
	return float32(v)
}
