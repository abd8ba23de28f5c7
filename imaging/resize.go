package imaging

import "math"

// WorkingSize is the long side, in pixels, of the reference pictures the
// build ships (and the page hands the engine), and of the copy of a photo
// that retrieval compares natively. The page hands the engine its photo
// at the run's working size instead (the settings' size, the preset's
// Size), one copy for retrieval and the optimization.
const WorkingSize = 512

// Fit returns the size of a w×h image scaled so that its long side is long,
// keeping the aspect ratio (rounded, at least 1 pixel a side).
func Fit(w, h, long int) (int, int) {
	if w <= 0 || h <= 0 || long <= 0 {
		return max(long, 1), max(long, 1)
	}
	if w >= h {
		return long, max(1, int(math.Round(float64(h)*float64(long)/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*float64(long)/float64(h)))), long
}

// Resize returns src resampled to w×h (sizes below 1 count as 1), each axis
// on its own:
//
//   - shrinking averages areas: an output pixel is the mean of the source
//     area it covers, partly covered source pixels weighted by their
//     coverage. Every source pixel counts, so a large photo shrinks without
//     aliasing or moiré, and means are kept exactly;
//   - enlarging interpolates linearly between pixel centres.
//
// Both use non-negative weights that sum to one, so the output stays within
// the range of the input (no ringing, no clamping) and a constant image stays
// constant. The work is two one-dimensional passes, the one that shrinks most
// first, with one scratch plane for all three channels.
func Resize(src *RGB, w, h int) *RGB {
	w, h = max(w, 1), max(h, 1)
	if w == src.W && h == src.H {
		return src.Clone()
	}
	out := NewRGB(w, h)
	r := newResizer(src.W, src.H, w, h)
	sn, dn := src.W*src.H, w*h
	for c := 0; c < 3; c++ {
		r.plane(src.Pix[c*sn:(c+1)*sn], out.Pix[c*dn:(c+1)*dn])
	}
	return out
}

// ResizePlane resamples one w×h plane of samples (row order) to dw×dh as
// Resize does each channel.
func ResizePlane(src []float32, w, h, dw, dh int) []float32 {
	dw, dh = max(dw, 1), max(dh, 1)
	out := make([]float32, dw*dh)
	if w == dw && h == dh {
		copy(out, src)
		return out
	}
	newResizer(w, h, dw, dh).plane(src, out)
	return out
}

// ResizeRows resamples a sw×sh image, which row gives a row at a time
// (its three channels into r, g and b, in order from the top), to w×h as
// Resize does, always along rows first: it holds a row of the source and
// the w-wide intermediate, never the source, so that a photo too large to
// hold as floats shrinks in a few megabytes. An error from row stops it.
func ResizeRows(sw, sh, w, h int, row func(y int, r, g, b []float32) error) (*RGB, error) {
	w, h = max(w, 1), max(h, 1)
	tx, ty := newTaps(sw, w), newTaps(sh, h)
	tmp := make([]float32, 3*w*sh) // the three channels' rows, each w wide
	line := make([]float32, 3*sw)
	for y := range sh {
		r, g, b := line[:sw], line[sw:2*sw], line[2*sw:]
		if err := row(y, r, g, b); err != nil {
			return nil, err
		}
		for c, in := range [3][]float32{r, g, b} {
			at := c*w*sh + y*w
			resizeRows(in, sw, 1, tmp[at:at+w], tx)
		}
	}
	out := NewRGB(w, h)
	for c := range 3 {
		resizeCols(tmp[c*w*sh:(c+1)*w*sh], w, out.Pix[c*w*h:(c+1)*w*h], ty)
	}
	return out, nil
}

// resizer holds the weights of both axes and the scratch plane between
// the two passes.
type resizer struct {
	sw, sh, dw, dh int
	tx, ty         taps
	widthFirst     bool
	tmp            []float32
}

func newResizer(sw, sh, dw, dh int) *resizer {
	r := &resizer{sw: sw, sh: sh, dw: dw, dh: dh, tx: newTaps(sw, dw), ty: newTaps(sh, dh)}
	// Cost of each order, in multiply-adds per channel.
	widthFirst := sh*dw*r.tx.width + dw*dh*r.ty.width
	heightFirst := sw*dh*r.ty.width + dw*dh*r.tx.width
	r.widthFirst = widthFirst <= heightFirst
	if r.widthFirst {
		r.tmp = make([]float32, dw*sh)
	} else {
		r.tmp = make([]float32, sw*dh)
	}
	return r
}

// plane resamples one plane from in to out.
func (r *resizer) plane(in, out []float32) {
	if r.widthFirst {
		resizeRows(in, r.sw, r.sh, r.tmp, r.tx)
		resizeCols(r.tmp, r.dw, out, r.ty)
	} else {
		resizeCols(in, r.sw, r.tmp, r.ty)
		resizeRows(r.tmp, r.sw, r.dh, out, r.tx)
	}
}

// taps are the resampling weights of one axis: output i is the sum over k
// of w[i*width+k] times input start[i]+k.
type taps struct {
	start []int
	w     []float32
	width int
}

// newTaps computes the weights that take n samples to m.
func newTaps(n, m int) taps {
	scale := float64(n) / float64(m) // source pixels per output pixel
	var width int
	if scale > 1 {
		width = int(math.Ceil(scale)) + 1 // an interval of length scale touches at most this many
	} else {
		width = 2
	}
	width = min(width, n)
	t := taps{start: make([]int, m), w: make([]float32, m*width), width: width}
	for i := 0; i < m; i++ {
		// first is the first source index with a weight; put records it.
		var first int
		ws := t.w[i*width : (i+1)*width]
		put := func(j int, v float64) {
			if v != 0 {
				ws[j-first] += float32(v)
			}
		}
		if scale > 1 {
			lo, hi := float64(i)*scale, float64(i+1)*scale
			first = min(int(lo), n-width)
			for j := int(lo); j < n && float64(j) < hi; j++ {
				cover := math.Min(hi, float64(j+1)) - math.Max(lo, float64(j))
				put(j, cover/scale)
			}
		} else {
			// Pixel centres: output i sits at source coordinate x.
			x := (float64(i)+0.5)*scale - 0.5
			j := int(math.Floor(x))
			f := x - float64(j)
			switch {
			case j < 0:
				j, f = 0, 0
			case j >= n-1:
				j, f = n-1, 0
			}
			first = max(0, min(j, n-width))
			put(j, 1-f)
			if f > 0 {
				put(j+1, f)
			}
		}
		t.start[i] = first
	}
	return t
}

// resizeRows resamples each of the h rows of in (width sw) into out, whose
// width is len(t.start).
func resizeRows(in []float32, sw, h int, out []float32, t taps) {
	dw := len(t.start)
	for y := 0; y < h; y++ {
		row := in[y*sw : (y+1)*sw]
		dst := out[y*dw : (y+1)*dw]
		for x := range dst {
			ws := t.w[x*t.width : (x+1)*t.width]
			px := row[t.start[x] : t.start[x]+len(ws)]
			var s float32
			for k, wk := range ws {
				s += wk * px[k]
			}
			dst[x] = s
		}
	}
}

// resizeCols resamples the columns of in (rows of width w) into out, whose
// height is len(t.start); it runs along rows for memory order.
func resizeCols(in []float32, w int, out []float32, t taps) {
	for y := range t.start {
		dst := out[y*w : (y+1)*w]
		clear(dst)
		ws := t.w[y*t.width : (y+1)*t.width]
		for k, wk := range ws {
			if wk == 0 {
				continue
			}
			src := in[(t.start[y]+k)*w : (t.start[y]+k+1)*w]
			for x, v := range src {
				dst[x] += wk * v
			}
		}
	}
}
