package op

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// directConv is the reference: the convolution sum written out, in float64.
func directConv(x, w, b []float32, cin, h, wd, cout, kh, kw, s, p int) ([]float64, int, int) {
	oh, ow := (h+2*p-kh)/s+1, (wd+2*p-kw)/s+1
	y := make([]float64, cout*oh*ow)
	for o := 0; o < cout; o++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				var sum float64
				if b != nil {
					sum = float64(b[o])
				}
				for c := 0; c < cin; c++ {
					for ky := 0; ky < kh; ky++ {
						for kx := 0; kx < kw; kx++ {
							iy, ix := oy*s-p+ky, ox*s-p+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= wd {
								continue
							}
							sum += float64(w[((o*cin+c)*kh+ky)*kw+kx]) * float64(x[(c*h+iy)*wd+ix])
						}
					}
				}
				y[(o*oh+oy)*ow+ox] = sum
			}
		}
	}
	return y, oh, ow
}

type convCase struct {
	name                          string
	cin, h, w, cout, kh, kw, s, p int
	bias                          bool
}

var convCases = []convCase{
	{"3x3 pad1 odd", 3, 7, 9, 5, 3, 3, 1, 1, true},
	{"3x3 stride2 pad1", 2, 8, 7, 3, 3, 3, 2, 1, false},
	{"1x1 pointwise", 4, 5, 5, 6, 1, 1, 1, 0, true},
	{"1x1 stride2", 3, 9, 11, 4, 1, 1, 2, 0, false},
	{"7x7 stride2 pad3 (DenseNet conv0)", 3, 15, 13, 8, 7, 7, 2, 3, false},
	{"3x3 stride2 valid (SqueezeNet conv1)", 3, 17, 17, 6, 3, 3, 2, 0, true},
	{"7x7 pad3 on 6x6", 2, 6, 6, 3, 7, 7, 1, 3, true},
	{"3x2 pad2 on 3x3", 1, 3, 3, 2, 3, 2, 1, 2, false},
	{"5x5 stride3 pad2", 2, 10, 12, 3, 5, 5, 3, 2, true},
	{"3x3 valid", 3, 6, 7, 4, 3, 3, 1, 0, false},
	{"5x5 pad1", 2, 9, 8, 3, 5, 5, 1, 1, true},
	{"3x3 pad2", 2, 4, 5, 3, 3, 3, 1, 2, false},
	{"3x3 pad3 (col2im)", 2, 4, 4, 2, 3, 3, 1, 3, false},
}

func (tc convCase) make(r *rand.Rand) (*Conv, []float32, []float32, []float32) {
	w := normals(r, tc.cout*tc.cin*tc.kh*tc.kw)
	var b []float32
	if tc.bias {
		b = normals(r, tc.cout)
	}
	conv, err := NewConv(w, b, tc.cout, tc.cin, tc.kh, tc.kw, tc.s, tc.p)
	if err != nil {
		panic(err)
	}
	return conv, w, b, normals(r, tc.cin*tc.h*tc.w)
}

func TestConvForward(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, tc := range convCases {
		conv, w, b, x := tc.make(r)
		y, err := conv.Apply(leaf(t, x, tc.cin, tc.h, tc.w, false))
		if err != nil {
			t.Fatal(err)
		}
		want, oh, ow := directConv(x, w, b, tc.cin, tc.h, tc.w, tc.cout, tc.kh, tc.kw, tc.s, tc.p)
		if y.C != tc.cout || y.H != oh || y.W != ow {
			t.Fatalf("%s: output %v, want %d×%d×%d", tc.name, y, tc.cout, oh, ow)
		}
		closeTo(t, tc.name, y.Data(), want, 1e-5)
	}
}

func TestConvGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, tc := range convCases {
		conv, _, _, x := tc.make(r)
		checkGrad(t, tc.name, mapOf(conv.Apply), x, tc.cin, tc.h, tc.w, 1e-2, 1e-3)
	}
}

// TestConvReLU checks ApplyReLU against ReLU(Apply) on every case: the
// same values, and the same input gradient exactly (both mask the same
// output and run the same backward pass); and its gradient against finite
// differences, probes that flip an output's sign left out.
func TestConvReLU(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, tc := range convCases {
		conv, _, _, x := tc.make(r)
		fused, composed := leaf(t, x, tc.cin, tc.h, tc.w, true), leaf(t, x, tc.cin, tc.h, tc.w, true)
		yf, err := conv.ApplyReLU(fused)
		if err != nil {
			t.Fatal(err)
		}
		yc, err := conv.Apply(composed)
		if err != nil {
			t.Fatal(err)
		}
		yc = ReLU(yc)
		want := make([]float64, len(yc.Data()))
		positive := 0
		for i, v := range yc.Data() {
			want[i] = float64(v)
			if v > 0 {
				positive++
			}
		}
		if positive == 0 || positive == len(want) {
			t.Fatalf("%s: %d of %d outputs positive: the ReLU is not exercised", tc.name, positive, len(want))
		}
		closeTo(t, tc.name+" relu", yf.Data(), want, 0)
		g := normals(r, len(want))
		yf.Node.AccGrad(dense(g, yf.C, yf.H*yf.W))
		yc.Node.AccGrad(dense(g, yc.C, yc.H*yc.W))
		if err := backward(yf.Node, yc.Node); err != nil {
			t.Fatal(err)
		}
		gf, gc := values(fused.Node.Grad()), values(composed.Node.Grad())
		for i := range gc {
			if gf[i] != gc[i] {
				t.Fatalf("%s: input gradient %d is %g fused, %g composed", tc.name, i, gf[i], gc[i])
			}
		}
		checkGrad(t, tc.name+" relu", signed(conv.ApplyReLU), x, tc.cin, tc.h, tc.w, 1e-3, 1e-3)
	}
}

func TestConvErrors(t *testing.T) {
	w := make([]float32, 2*3*3*3)
	for _, tc := range []struct {
		w, b                           []float32
		cout, cin, kh, kw, stride, pad int
	}{
		{w[:53], nil, 2, 3, 3, 3, 1, 0},
		{w, make([]float32, 3), 2, 3, 3, 3, 1, 0},
		{w, nil, 2, 3, 3, 3, 0, 0},
		{w, nil, 2, 3, 3, 3, 1, -1},
		{nil, nil, 0, 3, 3, 3, 1, 0},
	} {
		if _, err := NewConv(tc.w, tc.b, tc.cout, tc.cin, tc.kh, tc.kw, tc.stride, tc.pad); err == nil {
			t.Errorf("NewConv(%d values, bias %d, %d×%d×%d×%d, stride %d, pad %d) did not fail",
				len(tc.w), len(tc.b), tc.cout, tc.cin, tc.kh, tc.kw, tc.stride, tc.pad)
		}
	}
	conv, err := NewConv(w, nil, 2, 3, 3, 3, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []Map{
		leaf(t, make([]float32, 2*25), 2, 5, 5, false), // wrong channels
		leaf(t, make([]float32, 3*4), 3, 2, 2, false),  // kernel does not fit
		{}, // no node
		{Node: leaf(t, make([]float32, 3*25), 3, 5, 5, false).Node, C: 3, H: 5, W: 4}, // shape mismatch
	} {
		if _, err := conv.Apply(x); err == nil {
			t.Errorf("Apply(%v) did not fail", x)
		} else {
			t.Log(err)
		}
	}
}

// TestConvShared applies one Conv to two inputs in one graph and checks
// each input gets the gradient it gets alone; with -race it also checks
// that concurrent backward passes share no scratch memory.
func TestConvShared(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	tc := convCase{"shared", 8, 20, 20, 16, 3, 3, 1, 1, true}
	conv, _, _, x1 := tc.make(r)
	x2 := normals(r, len(x1))
	alone := func(x []float32) []float32 {
		m := leaf(t, x, tc.cin, tc.h, tc.w, true)
		y, _ := conv.Apply(m)
		g := Gram(y)
		d, _ := SquaredDistance(g, make([]float32, g.Size()))
		if err := backward(d); err != nil {
			t.Fatal(err)
		}
		return values(m.Node.Grad())
	}
	want1, want2 := alone(x1), alone(x2)
	for range 5 {
		m1 := leaf(t, x1, tc.cin, tc.h, tc.w, true)
		m2 := leaf(t, x2, tc.cin, tc.h, tc.w, true)
		y1, _ := conv.Apply(m1)
		y2, _ := conv.Apply(m2)
		d1, _ := SquaredDistance(Gram(y1), make([]float32, 16*16))
		d2, _ := SquaredDistance(Gram(y2), make([]float32, 16*16))
		if err := backward(d1, d2); err != nil {
			t.Fatal(err)
		}
		for i, pair := range [][2][]float32{{values(m1.Node.Grad()), want1}, {values(m2.Node.Grad()), want2}} {
			for j := range pair[0] {
				if pair[0][j] != pair[1][j] {
					t.Fatalf("input %d, value %d: gradient %g in a shared graph, %g alone", i+1, j, pair[0][j], pair[1][j])
				}
			}
		}
	}
}

func ExampleConv() {
	// A 3×3 box filter, padded, on a 1-channel 3×3 map of ones.
	w := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	conv, _ := NewConv(w, nil, 1, 1, 3, 3, 1, 1)
	x, _ := NewMap(dense([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 9), 1, 3, 3)
	y, _ := conv.Apply(x)
	fmt.Println(y, y.Data())
	// Output: 1×3×3 [4 6 4 6 9 6 4 6 4]
}
