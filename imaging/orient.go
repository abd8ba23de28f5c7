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
	w, h := m.W, m.H
	ow, oh := w, h
	if o >= 5 { // the four that swap width and height
		ow, oh = h, w
	}
	out := NewRGB(ow, oh)
	// src maps an output pixel to the stored pixel shown there.
	var src func(x, y int) int
	switch o {
	case 2:
		src = func(x, y int) int { return y*w + w - 1 - x }
	case 3:
		src = func(x, y int) int { return (h-1-y)*w + w - 1 - x }
	case 4:
		src = func(x, y int) int { return (h-1-y)*w + x }
	case 5:
		src = func(x, y int) int { return x*w + y }
	case 6:
		src = func(x, y int) int { return (h-1-x)*w + y }
	case 7:
		src = func(x, y int) int { return (h-1-x)*w + w - 1 - y }
	case 8:
		src = func(x, y int) int { return x*w + w - 1 - y }
	}
	n := w * h
	for c := 0; c < 3; c++ {
		in, dst := m.Pix[c*n:(c+1)*n], out.Pix[c*n:(c+1)*n]
		for y := 0; y < oh; y++ {
			row := dst[y*ow : (y+1)*ow]
			for x := range row {
				row[x] = in[src(x, y)]
			}
		}
	}
	return out
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
