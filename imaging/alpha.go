package imaging

import "fmt"

// Alpha is the opacity of an image: W·H samples in [0, 1] in row order, 1
// opaque. Decoders return a nil *Alpha for an opaque image.
//
// The project's one alpha policy: colour is straight (not premultiplied), so
// colour 200 at alpha 128 decodes to 200/255 from an 8- or a 16-bit file
// alike, and the engine works on colour alone; the alpha plane travels
// beside it so that an output can pass it through (EncodePNGAlpha keeps it,
// EncodeJPEGOnWhite composites on white, as the page shows a photo).
type Alpha struct {
	W, H int
	Pix  []float32
}

// Validate reports whether a's buffer matches its dimensions.
func (a *Alpha) Validate() error {
	if a.W <= 0 || a.H <= 0 || len(a.Pix) != a.W*a.H {
		return fmt.Errorf("imaging: %d×%d alpha plane with %d samples", a.W, a.H, len(a.Pix))
	}
	return nil
}

// Opaque reports whether every sample is 1.
func (a *Alpha) Opaque() bool {
	for _, v := range a.Pix {
		if v < 1 {
			return false
		}
	}
	return true
}

// checkAlpha reports whether a (nil for opaque) fits m.
func checkAlpha(m *RGB, a *Alpha) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if a == nil {
		return nil
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if a.W != m.W || a.H != m.H {
		return fmt.Errorf("imaging: %d×%d alpha plane for a %d×%d image", a.W, a.H, m.W, m.H)
	}
	return nil
}

// OnWhite returns m composited on white by a: what a viewer shows of a
// transparent picture on a white page. A nil a returns m itself.
func OnWhite(m *RGB, a *Alpha) (*RGB, error) {
	if err := checkAlpha(m, a); err != nil {
		return nil, err
	}
	if a == nil {
		return m, nil
	}
	out := NewRGB(m.W, m.H)
	n := m.W * m.H
	for c := 0; c < 3; c++ {
		src, dst := m.Pix[c*n:(c+1)*n], out.Pix[c*n:(c+1)*n]
		for i, v := range src {
			k := min(max(a.Pix[i], 0), 1)
			dst[i] = v*k + 1 - k
		}
	}
	return out, nil
}
