package op

import (
	"fmt"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
	"sentiment/internal/optime"
)

// Conv is a 2-D convolution with constant weights, zero padding and an
// optional bias. It is lowered to im2col and one packed GEMM:
// y = W·cols(x) with W of shape Cout×(Cin·KH·KW). Its input gradient is
// col2im(Wᵀ·dy) in general; for a square kernel at stride 1 it is instead
// the convolution of dy with the flipped, transposed kernel, which has a
// deeper product (Cout·K² rather than Cout) and a smaller intermediate
// (Cout·K² rather than Cin·K² rows of columns): DenseNet's 3×3 layers take
// 128 channels to 32. A Conv is immutable and may be applied any number of
// times, concurrently and within one graph.
type Conv struct {
	cout, cin, kh, kw, stride, pad int
	w                              *gemm.Packed
	bias                           []float32
	// The input gradient: flipped, the convolution that computes it, or
	// else wt, Wᵀ for col2im.
	flipped *Conv
	wt      *gemm.Packed
}

// NewConv returns a convolution from weights w in torchvision's OIHW order
// (cout×cin×kh×kw values) and bias b (cout values, or nil for none). The
// weights are packed once, directly and transposed, and not retained.
func NewConv(w, b []float32, cout, cin, kh, kw, stride, pad int) (*Conv, error) {
	if cout <= 0 || cin <= 0 || kh <= 0 || kw <= 0 {
		return nil, fmt.Errorf("op: conv dimensions %d×%d×%d×%d must be positive", cout, cin, kh, kw)
	}
	if stride <= 0 || pad < 0 {
		return nil, fmt.Errorf("op: conv stride %d must be positive and padding %d non-negative", stride, pad)
	}
	k := cin * kh * kw
	if len(w) != cout*k {
		return nil, fmt.Errorf("op: conv weights have %d values, want %d×%d×%d×%d = %d", len(w), cout, cin, kh, kw, cout*k)
	}
	if b != nil && len(b) != cout {
		return nil, fmt.Errorf("op: conv bias has %d values, want %d", len(b), cout)
	}
	c := newConv(w, cout, cin, kh, kw, stride, pad)
	if b != nil {
		c.bias = append([]float32(nil), b...)
	}
	switch {
	case stride == 1 && kh == kw && kh > 1 && pad < kh:
		// dx[i, y, x] = Σ W[o, i, ky, kx]·dy[o, y+pad−ky, x+pad−kx]: a
		// convolution of dy with W'[i, o, ky', kx'] = W[o, i, K−1−ky', K−1−kx']
		// and padding K−1−pad, whose output is the input's size.
		wf := make([]float32, len(w))
		for o := 0; o < cout; o++ {
			for i := 0; i < cin; i++ {
				for ky := 0; ky < kh; ky++ {
					for kx := 0; kx < kw; kx++ {
						wf[((i*cout+o)*kh+kh-1-ky)*kw+kw-1-kx] = w[((o*cin+i)*kh+ky)*kw+kx]
					}
				}
			}
		}
		c.flipped = newConv(wf, cin, cout, kh, kw, 1, kh-1-pad)
	default:
		c.wt = gemm.PackTransposed(w, cout, k)
	}
	return c, nil
}

// newConv returns a checked convolution's forward part.
func newConv(w []float32, cout, cin, kh, kw, stride, pad int) *Conv {
	return &Conv{
		cout: cout, cin: cin, kh: kh, kw: kw, stride: stride, pad: pad,
		w: gemm.Pack(w, cout, cin*kh*kw),
	}
}

// OutSize returns the output height and width for an h×w input:
// floor((h+2·pad−kh)/stride)+1, likewise for w. They are not positive when
// the kernel does not fit.
func (c *Conv) OutSize(h, w int) (oh, ow int) {
	return (h+2*c.pad-c.kh)/c.stride + 1, (w+2*c.pad-c.kw)/c.stride + 1
}

// Apply convolves x, which must have the Conv's input channel count.
func (c *Conv) Apply(x Map) (Map, error) { return c.apply(x, false) }

// ApplyReLU is ReLU(c.Apply(x)) in one node: the ReLU runs in place on the
// convolution's output and masks the gradient before the convolution's
// backward pass, which saves ReLU's own output, gradient copy and graph
// node (SqueezeNet follows every convolution with one).
func (c *Conv) ApplyReLU(x Map) (Map, error) { return c.apply(x, true) }

func (c *Conv) apply(x Map, relu bool) (Map, error) {
	if err := x.check(); err != nil {
		return Map{}, err
	}
	if x.C != c.cin {
		return Map{}, fmt.Errorf("op: conv expects %d input channels, map is %v", c.cin, x)
	}
	if x.H+2*c.pad < c.kh || x.W+2*c.pad < c.kw {
		return Map{}, fmt.Errorf("op: conv kernel %d×%d (padding %d) does not fit map %v", c.kh, c.kw, c.pad, x)
	}
	oh, ow := c.OutSize(x.H, x.W)
	return newMap(run(&convFn{c: c, x: x, oh: oh, ow: ow, relu: relu}), c.cout, oh, ow), nil
}

// pointwise reports whether cols(x) is x itself, so im2col can be skipped.
func (c *Conv) pointwise() bool {
	return c.kh == 1 && c.kw == 1 && c.stride == 1 && c.pad == 0
}

// convFn is one application of a Conv in a graph, with a ReLU after it
// when relu is set; y is then the output, which masks the gradient.
type convFn struct {
	c      *Conv
	x      Map
	oh, ow int
	relu   bool
	y      []float32
}

func (f *convFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

func (f *convFn) Forward() (mat.Tensor, error) {
	c := f.c
	out := make([]float32, c.cout*f.oh*f.ow)
	c.forward(out, values(f.x.Node), f.x.H, f.x.W, f.oh, f.ow, f.relu)
	if f.relu {
		f.y = out
	}
	return dense(out, c.cout, f.oh*f.ow), nil
}

// forward computes the convolution of the h×w input x into out, oh×ow,
// with a ReLU after it if relu is set. The bias and the ReLU are one
// pass over the product, four values at a time in a SIMD build.
func (c *Conv) forward(out, x []float32, h, w, oh, ow int, relu bool) {
	n := oh * ow
	if c.pointwise() {
		optime.Begin(optime.GEMM)
		c.w.Mul(out, x, n, false)
		optime.End()
	} else {
		cols := gemm.Buffer(c.w.Cols() * n)
		optime.Begin(optime.Im2col)
		im2col(cols, x, c, h, w, oh, ow)
		optime.End()
		optime.Begin(optime.GEMM)
		c.w.Mul(out, cols, n, false)
		optime.End()
		gemm.Release(cols)
	}
	switch {
	case c.bias != nil:
		if relu {
			optime.Begin(optime.ReLU)
			defer optime.End()
		}
		for o, b := range c.bias {
			row := out[o*n : (o+1)*n]
			affineTo(row, row, 1, b, relu)
		}
	case relu:
		optime.Begin(optime.ReLU)
		reluTo(out, out)
		optime.End()
	}
}

func (f *convFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	c := f.c
	n := f.oh * f.ow
	hw := f.x.H * f.x.W
	dy := values(gy)
	if f.relu {
		// The gradient passes where the output is positive.
		optime.Begin(optime.ReLU)
		masked := gemm.Buffer(len(dy))
		defer gemm.Release(masked)
		scaleWherePositive(masked, dy, f.y, 1)
		dy = masked
		optime.End()
	}
	dx := gemm.Buffer(c.cin * hw)
	defer gemm.Release(dx)
	switch {
	case c.flipped != nil:
		c.flipped.forward(dx, dy, f.oh, f.ow, f.x.H, f.x.W, false)
	case c.pointwise():
		optime.Begin(optime.GEMM)
		c.wt.Mul(dx, dy, n, false)
		optime.End()
	default:
		dcols := gemm.Buffer(c.wt.Rows() * n)
		optime.Begin(optime.GEMM)
		c.wt.Mul(dcols, dy, n, false)
		optime.End()
		optime.Begin(optime.Col2im)
		clear(dx)
		col2im(dx, dcols, c, f.x.H, f.x.W, f.oh, f.ow)
		optime.End()
		gemm.Release(dcols)
	}
	accGrad(f.x.Node, dx, c.cin, hw)
	return nil
}

// validRange returns the output positions [lo, hi) of one axis whose input
// position o·stride − pad + k falls inside [0, size).
func validRange(k, stride, pad, size, out int) (lo, hi int) {
	// o·stride ≥ pad − k, and o·stride ≤ size − 1 + pad − k.
	if d := pad - k; d > 0 {
		lo = (d + stride - 1) / stride
	}
	if d := size - 1 + pad - k; d >= 0 {
		hi = d/stride + 1
	}
	return min(lo, out), max(min(hi, out), min(lo, out))
}

// im2col writes the columns of x: row (ci, ky, kx), column (oy, ox) holds
// x[ci, oy·s−p+ky, ox·s−p+kx], or zero in the padding.
func im2col(cols, x []float32, c *Conv, h, w, oh, ow int) {
	n := oh * ow
	s, p := c.stride, c.pad
	row := 0
	for ci := 0; ci < c.cin; ci++ {
		plane := x[ci*h*w : (ci+1)*h*w]
		for ky := 0; ky < c.kh; ky++ {
			y0, y1 := validRange(ky, s, p, h, oh)
			for kx := 0; kx < c.kw; kx++ {
				x0, x1 := validRange(kx, s, p, w, ow)
				dst := cols[row*n : (row+1)*n]
				row++
				clear(dst[:y0*ow])
				clear(dst[y1*ow:])
				for oy := y0; oy < y1; oy++ {
					d := dst[oy*ow : (oy+1)*ow]
					src := plane[(oy*s-p+ky)*w:]
					// The padding is a few cells at most: stores, not
					// calls into the runtime's clear.
					for i := range x0 {
						d[i] = 0
					}
					for i := x1; i < ow; i++ {
						d[i] = 0
					}
					ix := x0*s - p + kx
					if s == 1 {
						copy(d[x0:x1], src[ix:ix+x1-x0])
						continue
					}
					for ox := x0; ox < x1; ox++ {
						d[ox] = src[ix]
						ix += s
					}
				}
			}
		}
	}
}

// col2im adds the columns back onto the input positions they were read
// from: the adjoint of im2col.
func col2im(dx, cols []float32, c *Conv, h, w, oh, ow int) {
	n := oh * ow
	s, p := c.stride, c.pad
	row := 0
	for ci := 0; ci < c.cin; ci++ {
		plane := dx[ci*h*w : (ci+1)*h*w]
		for ky := 0; ky < c.kh; ky++ {
			y0, y1 := validRange(ky, s, p, h, oh)
			for kx := 0; kx < c.kw; kx++ {
				x0, x1 := validRange(kx, s, p, w, ow)
				src := cols[row*n : (row+1)*n]
				row++
				for oy := y0; oy < y1; oy++ {
					sr := src[oy*ow+x0 : oy*ow+x1]
					d := plane[(oy*s-p+ky)*w:]
					ix := x0*s - p + kx
					if s == 1 {
						d = d[ix : ix+len(sr)]
						for i, v := range sr {
							d[i] += v
						}
						continue
					}
					for _, v := range sr {
						d[ix] += v
						ix += s
					}
				}
			}
		}
	}
}
