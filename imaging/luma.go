package imaging

// Luma returns the image's luma plane, W·H values in [0, 1] in row order:
// Y′ = 0.299 R′ + 0.587 G′ + 0.114 B′ on the gamma-encoded samples (Rec. 601,
// the weights of JPEG's YCbCr and of the grey images SSIM was published
// with).
func (m *RGB) Luma() []float32 {
	n := m.W * m.H
	out := make([]float32, n)
	r, g, b := m.Pix[:n], m.Pix[n:2*n], m.Pix[2*n:3*n]
	for i := range out {
		out[i] = LumaOf(r[i], g[i], b[i])
	}
	return out
}
