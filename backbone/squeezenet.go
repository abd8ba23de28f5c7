package backbone

import (
	"fmt"

	"sentiment/imaging"
	"sentiment/op"
	"sentiment/weights"
)

// SqueezeNetName is the backbone name of SqueezeNet 1.1 weights files (the
// Keras.js model's own name, kept by convert.KerasJS).
const SqueezeNetName = "squeezenet_v1.1"

// caffeMean is the per-channel mean, in RGB order and 0…255 units, that the
// original Caffe SqueezeNet subtracts from its BGR input.
var caffeMean = [3]float32{123.68, 116.779, 103.939}

// fireSpec is one fire module: squeeze to s channels, then expand to e
// channels with 1×1 and e with 3×3 kernels, concatenated.
type fireSpec struct{ in, s, e int }

// squeezeFires are fire2 … fire9 of SqueezeNet 1.1.
var squeezeFires = [8]fireSpec{
	{64, 16, 64}, {128, 16, 64}, {128, 32, 128}, {256, 32, 128},
	{256, 48, 192}, {384, 48, 192}, {384, 64, 256}, {512, 64, 256},
}

// SqueezeNet is SqueezeNet 1.1 (Iandola et al. 2016, the 1.1 revision):
// conv1 3×3/2 valid with 64 filters, 3×3/2 valid max pools after conv1,
// fire3 and fire5, eight fire modules, then the classifier conv10 (1×1 to
// 1000 classes), ReLU and a global average. ReLU follows every convolution.
//
// Taps, the maps after their ReLUs: "conv1" (64 channels, stride 2, before
// pool1), "fire2" … "fire9" (the concatenated expand outputs; fire2 and
// fire3 at stride 4, fire4 and fire5 at 8, fire6 to fire9 at 16).
type SqueezeNet struct {
	norm   *op.ChannelAffine
	conv1  *op.Conv
	fires  [8]fire
	conv10 *op.Conv
}

type fire struct{ squeeze, expand1, expand3 *op.Conv }

// NewSqueezeNet builds SqueezeNet 1.1 from a weights file made by
// convert.KerasJS: kernels stored [out, in, h, w], for BGR input.
func NewSqueezeNet(f *weights.File) (*SqueezeNet, error) {
	if f.Backbone != SqueezeNetName {
		return nil, fmt.Errorf("backbone: weights are for %q, not %s", f.Backbone, SqueezeNetName)
	}
	n := &SqueezeNet{}
	// The network was trained on BGR images in 0…255 with the Caffe mean
	// subtracted. It takes RGB in [0, 1]: scale and centre each channel
	// (still in RGB order), and read conv1's input channels in reverse so
	// that its B weights meet the B channel.
	var err error
	n.norm, err = op.NewChannelAffine([]float32{255, 255, 255}, []float32{-caffeMean[0], -caffeMean[1], -caffeMean[2]})
	if err != nil {
		return nil, err
	}
	w, b, err := convParams(f, "conv1", 64, 3, 3)
	if err != nil {
		return nil, err
	}
	if n.conv1, err = op.NewConv(reverseInputs(w, 64, 3, 9), b, 64, 3, 3, 3, 2, 0); err != nil {
		return nil, err
	}
	for i, s := range squeezeFires {
		name := fmt.Sprintf("fire%d", i+2)
		fr := &n.fires[i]
		if fr.squeeze, err = loadConv(f, name+".squeeze1x1", s.s, s.in, 1, 1, 0); err != nil {
			return nil, err
		}
		if fr.expand1, err = loadConv(f, name+".expand1x1", s.e, s.s, 1, 1, 0); err != nil {
			return nil, err
		}
		// "same" padding of a 3×3 stride-1 kernel is 1 on each side.
		if fr.expand3, err = loadConv(f, name+".expand3x3", s.e, s.s, 3, 1, 1); err != nil {
			return nil, err
		}
	}
	if n.conv10, err = loadConv(f, "conv10", 1000, 512, 1, 1, 0); err != nil {
		return nil, err
	}
	return n, nil
}

// convParams reads a convolution's weights [cout, cin, k, k] and bias.
func convParams(f *weights.File, name string, cout, cin, k int) (w, b []float32, err error) {
	if w, err = f.Float32(name+".weight", cout, cin, k, k); err != nil {
		return nil, nil, err
	}
	if b, err = f.Float32(name+".bias", cout); err != nil {
		return nil, nil, err
	}
	return w, b, nil
}

// loadConv builds a k×k convolution with bias from f.
func loadConv(f *weights.File, name string, cout, cin, k, stride, pad int) (*op.Conv, error) {
	w, b, err := convParams(f, name, cout, cin, k)
	if err != nil {
		return nil, err
	}
	return op.NewConv(w, b, cout, cin, k, k, stride, pad)
}

// reverseInputs returns OIHW weights with the order of the input channels
// reversed (BGR ↔ RGB); k is kh·kw.
func reverseInputs(w []float32, cout, cin, k int) []float32 {
	out := make([]float32, len(w))
	for o := 0; o < cout; o++ {
		for i := 0; i < cin; i++ {
			copy(out[(o*cin+i)*k:(o*cin+i+1)*k], w[(o*cin+cin-1-i)*k:(o*cin+cin-i)*k])
		}
	}
	return out
}

// Name implements Network.
func (n *SqueezeNet) Name() string { return SqueezeNetName }

// InputSize implements Network: the Keras.js model's 227×227.
func (n *SqueezeNet) InputSize() int { return 227 }

var squeezeTaps = []string{"conv1", "fire2", "fire3", "fire4", "fire5", "fire6", "fire7", "fire8", "fire9"}

// Taps implements Network.
func (n *SqueezeNet) Taps() []string { return append([]string(nil), squeezeTaps...) }

// DefaultTaps implements Network: style Grams at conv1, fire3, fire4 and
// fire5 (strides 2, 4, 8, 8), as CS231n's SqueezeNet style transfer uses
// them, and content at fire5, mid-depth at stride 8. A first choice, for
// the transfer to tune by measurement (fire2 is the other content
// candidate).
func (n *SqueezeNet) DefaultTaps() Taps {
	return Taps{Content: "fire5", Style: []string{"conv1", "fire3", "fire4", "fire5"}}
}

// Features implements Network.
func (n *SqueezeNet) Features(x op.Map, taps ...string) (Features, error) {
	return features(squeezeTaps, taps, func(tap func(string, op.Map) bool) error {
		_, err := n.forward(x, tap)
		return err
	})
}

// forward runs the layers in order, calling tap with each tap's map until
// it returns false. It returns the last map it computed.
func (n *SqueezeNet) forward(x op.Map, tap func(string, op.Map) bool) (op.Map, error) {
	if x.C != 3 {
		return op.Map{}, fmt.Errorf("backbone: SqueezeNet takes an RGB image, not a %v map", x)
	}
	x, err := n.norm.Apply(x)
	if err != nil {
		return op.Map{}, err
	}
	if x, err = n.conv1.ApplyReLU(x); err != nil {
		return op.Map{}, fmt.Errorf("backbone: image too small for SqueezeNet: %w", err)
	}
	if !tap("conv1", x) {
		return x, nil
	}
	for i := range n.fires {
		// Pools after conv1, fire3 and fire5, i.e. before fire2, 4, 6.
		if i%2 == 0 && i < 6 {
			if x, err = op.MaxPool(x, 3, 2, 0); err != nil {
				// The only layer that can fail on a valid RGB map.
				return op.Map{}, fmt.Errorf("backbone: image too small for SqueezeNet's %s: %w", squeezeTaps[i+1], err)
			}
		}
		if x, err = n.fires[i].apply(x); err != nil {
			return op.Map{}, err
		}
		if !tap(squeezeTaps[i+1], x) {
			return x, nil
		}
	}
	return x, nil
}

func (f *fire) apply(x op.Map) (op.Map, error) {
	// Each convolution with its ReLU in one node.
	s, err := f.squeeze.ApplyReLU(x)
	if err != nil {
		return op.Map{}, err
	}
	e1, err := f.expand1.ApplyReLU(s)
	if err != nil {
		return op.Map{}, err
	}
	e3, err := f.expand3.ApplyReLU(s)
	if err != nil {
		return op.Map{}, err
	}
	return op.Concat(e1, e3)
}

// Logits returns the classifier's 1000 outputs for x (before the softmax):
// conv10, ReLU and the global average.
func (n *SqueezeNet) Logits(x op.Map) ([]float32, error) {
	f9, err := n.forward(x, func(string, op.Map) bool { return true })
	if err != nil {
		return nil, err
	}
	y, err := n.conv10.ApplyReLU(f9)
	if err != nil {
		return nil, err
	}
	return append([]float32(nil), op.GlobalAvgPool(y).Data()...), nil
}

// Classify implements Network: img is resized to 227×227 whatever its
// aspect (as the Keras.js demo draws it; a photo already 227×227 is used
// as is), then classified.
func (n *SqueezeNet) Classify(img *imaging.RGB) ([]float32, error) {
	if err := img.Validate(); err != nil {
		return nil, err
	}
	x, err := constInput(imaging.Resize(img, n.InputSize(), n.InputSize()))
	if err != nil {
		return nil, err
	}
	logits, err := n.Logits(x)
	if err != nil {
		return nil, err
	}
	return softmax(logits), nil
}
