package weights

import (
	"math"
	"testing"
)

// halfValue is the exact value of a finite half, computed independently of
// halfToFloat32 from the IEEE 754 definition.
func halfValue(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	e := int(h>>10) & 0x1f
	m := float64(h & 0x3ff)
	if e == 0 {
		return sign * math.Ldexp(m, -24)
	}
	return sign * math.Ldexp(1+m/1024, e-15)
}

func TestHalfToFloat32AllValues(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		f := halfToFloat32(h)
		e := (h >> 10) & 0x1f
		switch {
		case e == 0x1f && h&0x3ff == 0:
			if !math.IsInf(float64(f), 1-2*int(h>>15)) {
				t.Fatalf("%#04x → %g, want infinity of the same sign", h, f)
			}
		case e == 0x1f:
			if !math.IsNaN(float64(f)) {
				t.Fatalf("%#04x → %g, want NaN", h, f)
			}
		default:
			if float64(f) != halfValue(h) || math.Signbit(float64(f)) != (h&0x8000 != 0) {
				t.Fatalf("%#04x → %g, want %g", h, f, halfValue(h))
			}
		}
		// Every half survives the round trip bit for bit (NaNs stay NaN
		// with their payload).
		if back := float32ToHalf(f); back != h {
			t.Fatalf("%#04x → %g → %#04x", h, f, back)
		}
	}
}

func TestFloat32ToHalfKnown(t *testing.T) {
	cases := []struct {
		f    float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{65504, 0x7bff},                               // largest half
		{65519.996, 0x7bff},                           // just below the tie
		{65520, 0x7c00},                               // tie with 65536: to even, infinity
		{1e10, 0x7c00},                                // overflow
		{float32(math.Inf(-1)), 0xfc00},               // infinity
		{1.0 / (1 << 14), 0x0400},                     // smallest normal
		{1.0 / (1 << 24), 0x0001},                     // smallest subnormal
		{1.0 / (1 << 25), 0x0000},                     // tie with zero: to even, zero
		{1.0000001 / (1 << 25), 0x0001},               // just above that tie
		{3.0 / (1 << 25), 0x0002},                     // tie between 1 and 2 ulps: to even, 2
		{5.0 / (1 << 25), 0x0002},                     // tie between 2 and 3 ulps: to even, 2
		{1 + 1.0/(1<<11), 0x3c00},                     // tie: to even, 1
		{1 + 3.0/(1<<11), 0x3c02},                     // tie: to even, 1+2⁻⁹
		{1 + 1.0/(1<<11) + 1.0/(1<<20), 0x3c01},       // above the tie
		{1.0 / (1 << 14) * (1 - 1.0/(1<<12)), 0x0400}, // rounds up into the normals
		{1e-30, 0x0000},                               // float32 far below half range
		{-1e-45, 0x8000},                              // float32 subnormal
	}
	for _, c := range cases {
		if got := float32ToHalf(c.f); got != c.want {
			t.Errorf("float32ToHalf(%g) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
	if h := float32ToHalf(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("NaN → %#04x, not a NaN", h)
	}
}

// TestFloat32ToHalfNearest checks, over a spread of float32 bit patterns
// covering every exponent, that the result is a nearest half and that ties
// go to the even one.
func TestFloat32ToHalfNearest(t *testing.T) {
	const maxHalf = 65504.0
	for b := uint64(0); b < 1<<32; b += 4099 {
		f := math.Float32frombits(uint32(b))
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			continue
		}
		h := float32ToHalf(f)
		x := float64(f)
		if math.Abs(x) >= maxHalf+16 { // at or past the tie with 2¹⁶
			if h&0x7fff != 0x7c00 {
				t.Fatalf("%g → %#04x, want infinity", f, h)
			}
			continue
		}
		got := halfValue(h)
		err := math.Abs(x - got)
		// The neighbours of h (same sign side) must not be nearer.
		for _, n := range []uint16{h - 1, h + 1} {
			if n&0x7fff >= 0x7c00 || (h&0x7fff == 0 && n&0x7fff == 0x7fff) {
				continue
			}
			ne := math.Abs(x - halfValue(n))
			if ne < err || (ne == err && h&1 == 1) {
				t.Fatalf("%g (%#08x) → %#04x (%g), but %#04x (%g) is nearer or the even tie", f, b, h, got, n, halfValue(n))
			}
		}
		if h&0x7fff == 0 && x != 0 && math.Abs(x) > math.Ldexp(1, -25) {
			t.Fatalf("%g → zero", f)
		}
	}
}
