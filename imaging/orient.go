package imaging

// Orient returns m transformed for display according to the EXIF
// orientation o (1–8, as Orientation returns): 1 is upright, 2 mirrored
// left–right, 3 turned 180°, 4 mirrored top–bottom, 5 transposed (mirrored
// about the main diagonal), 6 stored turned so that it needs a quarter turn
// clockwise, 7 transversed (mirrored about the other diagonal), 8 needs a
// quarter turn anticlockwise. Orientation 1 and unknown values return m
// itself; the others return a new image.
func Orient(m *RGB, o int) *RGB {
	if o < 2 || o > 8 {
		return m
	}
	p, ow, oh := place(o, m.W, m.H)
	out := NewRGB(ow, oh)
	n := m.W * m.H
	for c := 0; c < 3; c++ {
		orientPlane(out.Pix[c*n:(c+1)*n], m.Pix[c*n:(c+1)*n], m.W, m.H, p)
	}
	return out
}

// OrientAlpha returns a transformed as Orient transforms an image; nil
// stays nil.
func OrientAlpha(a *Alpha, o int) *Alpha {
	if a == nil || o < 2 || o > 8 {
		return a
	}
	p, ow, oh := place(o, a.W, a.H)
	out := &Alpha{W: ow, H: oh, Pix: make([]float32, len(a.Pix))}
	orientPlane(out.Pix, a.Pix, a.W, a.H, p)
	return out
}

// orientPlane moves each sample of the w×h plane src to its place in dst.
func orientPlane(dst, src []float32, w, h int, p placement) {
	for y := 0; y < h; y++ {
		i := p.off + y*p.sy
		for _, v := range src[y*w : (y+1)*w] {
			dst[i] = v
			i += p.sx
		}
	}
}

// Rotate returns m turned clockwise by the given number of quarter turns
// (negative turns go anticlockwise).
func Rotate(m *RGB, quarterTurns int) *RGB {
	switch ((quarterTurns % 4) + 4) % 4 {
	case 1:
		return Orient(m, 6)
	case 2:
		return Orient(m, 3)
	case 3:
		return Orient(m, 8)
	}
	return m.Clone()
}
