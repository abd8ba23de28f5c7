package weights

import "math"

// float32ToHalf rounds f to the nearest IEEE 754 binary16, ties to even.
// Magnitudes from 65520 up become infinite (65520 is the tie between the
// largest half, 65504, and the next power of two), magnitudes below 2⁻¹⁴
// become subnormal halves, and NaNs stay NaNs with the top 10 bits of their payload (so that every
// half survives a round trip through float32).
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	man := b & 0x7fffff
	if exp == 0xff {
		if man == 0 {
			return sign | 0x7c00
		}
		if p := uint16(man >> 13); p != 0 {
			return sign | 0x7c00 | p
		}
		return sign | 0x7e00 // the payload was all in the dropped bits
	}
	e := exp - 127 + 15 // the exponent biased for a half
	if e >= 31 {
		return sign | 0x7c00
	}
	if e <= 0 {
		// Subnormal half (or zero): the value in units of 2⁻²⁴ is
		// (1.man)·2^(e−1+14)·2^10, i.e. the 24-bit significand shifted
		// right by 14−e.
		if e < -10 {
			return sign // below half the smallest subnormal: zero
		}
		m := man | 0x800000
		return sign | uint16(roundShift(m, uint(14-e)))
	}
	// Normal: drop 13 fraction bits. A carry out of the fraction correctly
	// bumps the exponent, up to infinity (0x7c00).
	return sign | uint16(roundShift(uint32(e)<<23|man, 13))
}

// roundShift returns v >> s rounded to nearest, ties to even.
func roundShift(v uint32, s uint) uint32 {
	q := v >> s
	rem := v & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return q
}

// halfToFloat32 widens a binary16 exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch exp {
	case 0x1f: // infinity or NaN, payload kept
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case 0: // zero or subnormal: man·2⁻²⁴, exact in float32
		v := float32(man) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(v))
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}
