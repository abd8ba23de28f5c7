package backbone

import (
	"fmt"

	"sentiment/imaging"
	"sentiment/op"
	"sentiment/weights"
)

// DenseNetConfig is the shape of a torchvision DenseNet (Huang et al.
// 2017, DenseNet-BC), so that a tiny configuration runs the same code as
// DenseNet121.
type DenseNetConfig struct {
	Name         string // backbone name of its weights files
	Growth       int    // channels each dense layer adds (k)
	Blocks       []int  // dense layers per block
	BNSize       int    // bottleneck width, in multiples of Growth
	InitFeatures int    // channels of conv0
	Classes      int
}

// DenseNet121 is torchvision's densenet121.
var DenseNet121 = DenseNetConfig{Name: "densenet121", Growth: 32, Blocks: []int{6, 12, 24, 16}, BNSize: 4, InitFeatures: 64, Classes: 1000}

// bnEps is torch's BatchNorm2d default epsilon, which torchvision keeps;
// a file converted from another origin records its own
// (weights.ConfigBatchNormEps: Keras's is 1.001e-5).
const bnEps = 1e-5

// imagenetMean and imagenetStd are the RGB input normalization every
// torchvision ImageNet model was trained with, unless the file records
// another (weights.ConfigInputMean, weights.ConfigInputStd).
var (
	imagenetMean = [3]float32{0.485, 0.456, 0.406}
	imagenetStd  = [3]float32{0.229, 0.224, 0.225}
)

// TensorSpec is one tensor a network reads from its weights file.
type TensorSpec struct {
	Name  string
	Shape []int
	// Buffer marks batch-norm running statistics: stored, but not
	// parameters in torch's sense (not counted by Params).
	Buffer bool
}

// Spec lists the tensors of the configuration's state dict, in
// torchvision's order and with its names.
func (c DenseNetConfig) Spec() []TensorSpec {
	var s []TensorSpec
	conv := func(name string, cout, cin, k int) {
		s = append(s, TensorSpec{Name: name + ".weight", Shape: []int{cout, cin, k, k}})
	}
	bn := func(name string, ch int) {
		s = append(s,
			TensorSpec{Name: name + ".weight", Shape: []int{ch}},
			TensorSpec{Name: name + ".bias", Shape: []int{ch}},
			TensorSpec{Name: name + ".running_mean", Shape: []int{ch}, Buffer: true},
			TensorSpec{Name: name + ".running_var", Shape: []int{ch}, Buffer: true})
	}
	conv("features.conv0", c.InitFeatures, 3, 7)
	bn("features.norm0", c.InitFeatures)
	ch := c.InitFeatures
	for b, layers := range c.Blocks {
		for l := 0; l < layers; l++ {
			p := fmt.Sprintf("features.denseblock%d.denselayer%d", b+1, l+1)
			bn(p+".norm1", ch)
			conv(p+".conv1", c.BNSize*c.Growth, ch, 1)
			bn(p+".norm2", c.BNSize*c.Growth)
			conv(p+".conv2", c.Growth, c.BNSize*c.Growth, 3)
			ch += c.Growth
		}
		if b < len(c.Blocks)-1 {
			p := fmt.Sprintf("features.transition%d", b+1)
			bn(p+".norm", ch)
			conv(p+".conv", ch/2, ch, 1)
			ch /= 2
		}
	}
	bn("features.norm5", ch)
	s = append(s,
		TensorSpec{Name: "classifier.weight", Shape: []int{c.Classes, ch}},
		TensorSpec{Name: "classifier.bias", Shape: []int{c.Classes}})
	return s
}

// Params counts the configuration's parameters as torch does (weights and
// biases, not the running statistics).
func (c DenseNetConfig) Params() int {
	n := 0
	for _, t := range c.Spec() {
		if !t.Buffer {
			p := 1
			for _, d := range t.Shape {
				p *= d
			}
			n += p
		}
	}
	return n
}

// DenseNet is torchvision's DenseNet in inference form: conv0 7×7/2 (pad
// 3), norm0, ReLU, max pool 3×3/2 (pad 1); dense blocks whose layers are
// BN-ReLU-conv1×1-BN-ReLU-conv3×3 (pad 1) appending Growth channels each;
// between blocks a transition BN-ReLU-conv1×1 halving the channels and a
// 2×2/2 average pool; then norm5, ReLU, a global average and the linear
// classifier. Batch norm uses its running statistics (eps 1e-5, or the
// file's); no convolution has a bias.
//
// Taps, as the paper takes them, the ReLU just before each of the five
// downsamplings (the ReLU behind each pooling stage), one per resolution:
//
//	f1  relu0, after norm0                  InitFeatures ch, stride 2
//	f2  transition1's ReLU                  stride 4
//	f3  transition2's ReLU                  stride 8
//	f4  transition3's ReLU                  stride 16
//	f5  the ReLU after norm5                stride 32
//
// (for DenseNet121: 64, 256, 512, 1024 and 1024 channels). Content is f4.
type DenseNet struct {
	cfg        DenseNetConfig
	norm       *op.ChannelAffine
	conv0      *op.Conv
	norm0      *op.ChannelAffine
	blocks     [][]denseLayer
	trans      []transition
	norm5      *op.ChannelAffine
	classW     []float32 // Classes × channels
	classB     []float32
	finalChans int
}

type denseLayer struct {
	norm1, norm2 *op.ChannelAffine
	conv1, conv2 *op.Conv
}

type transition struct {
	norm *op.ChannelAffine
	conv *op.Conv
}

// NewDenseNet builds the configuration from a weights file holding its
// Spec's tensors (as torch.Convert converts torchvision's state dict, and
// convert.TFJS Keras's), with torchvision's batch-norm epsilon and input
// normalization unless the file's config tensors give others.
func NewDenseNet(c DenseNetConfig, f *weights.File) (*DenseNet, error) {
	if c.Growth <= 0 || c.BNSize <= 0 || c.InitFeatures <= 0 || c.Classes <= 0 || len(c.Blocks) == 0 {
		return nil, fmt.Errorf("backbone: bad DenseNet configuration %+v", c)
	}
	for _, l := range c.Blocks {
		if l <= 0 {
			return nil, fmt.Errorf("backbone: bad DenseNet configuration %+v", c)
		}
	}
	if f.Backbone != c.Name {
		return nil, fmt.Errorf("backbone: weights are for %q, not %s", f.Backbone, c.Name)
	}
	n := &DenseNet{cfg: c}
	eps, mean, std, err := denseNetConstants(f)
	if err != nil {
		return nil, err
	}
	var scale, shift [3]float32
	for i := range scale {
		scale[i] = 1 / std[i]
		shift[i] = -mean[i] / std[i]
	}
	if n.norm, err = op.NewChannelAffine(scale[:], shift[:]); err != nil {
		return nil, err
	}
	bn := func(name string, ch int) (*op.ChannelAffine, error) {
		var v [4][]float32
		for i, s := range []string{"weight", "bias", "running_mean", "running_var"} {
			if v[i], err = f.Float32(name+"."+s, ch); err != nil {
				return nil, err
			}
		}
		return op.BatchNormAffine(v[0], v[1], v[2], v[3], eps)
	}
	conv := func(name string, cout, cin, k, stride, pad int) (*op.Conv, error) {
		w, err := f.Float32(name+".weight", cout, cin, k, k)
		if err != nil {
			return nil, err
		}
		return op.NewConv(w, nil, cout, cin, k, k, stride, pad)
	}
	if n.conv0, err = conv("features.conv0", c.InitFeatures, 3, 7, 2, 3); err != nil {
		return nil, err
	}
	if n.norm0, err = bn("features.norm0", c.InitFeatures); err != nil {
		return nil, err
	}
	ch, mid := c.InitFeatures, c.BNSize*c.Growth
	for b, layers := range c.Blocks {
		block := make([]denseLayer, layers)
		for l := range block {
			p := fmt.Sprintf("features.denseblock%d.denselayer%d", b+1, l+1)
			d := &block[l]
			if d.norm1, err = bn(p+".norm1", ch); err != nil {
				return nil, err
			}
			if d.conv1, err = conv(p+".conv1", mid, ch, 1, 1, 0); err != nil {
				return nil, err
			}
			if d.norm2, err = bn(p+".norm2", mid); err != nil {
				return nil, err
			}
			if d.conv2, err = conv(p+".conv2", c.Growth, mid, 3, 1, 1); err != nil {
				return nil, err
			}
			ch += c.Growth
		}
		n.blocks = append(n.blocks, block)
		if b < len(c.Blocks)-1 {
			p := fmt.Sprintf("features.transition%d", b+1)
			var t transition
			if t.norm, err = bn(p+".norm", ch); err != nil {
				return nil, err
			}
			if t.conv, err = conv(p+".conv", ch/2, ch, 1, 1, 0); err != nil {
				return nil, err
			}
			n.trans = append(n.trans, t)
			ch /= 2
		}
	}
	if n.norm5, err = bn("features.norm5", ch); err != nil {
		return nil, err
	}
	if n.classW, err = f.Float32("classifier.weight", c.Classes, ch); err != nil {
		return nil, err
	}
	if n.classB, err = f.Float32("classifier.bias", c.Classes); err != nil {
		return nil, err
	}
	n.finalChans = ch
	return n, nil
}

// denseNetConstants returns the batch-norm epsilon and the input
// normalization that f records, or torchvision's where it records none.
func denseNetConstants(f *weights.File) (eps float32, mean, std [3]float32, err error) {
	eps, mean, std = bnEps, imagenetMean, imagenetStd
	read := func(name string, dst []float32, ok func(float32) bool) error {
		if f.Lookup(name) == nil {
			return nil
		}
		v, err := f.Float32(name, len(dst))
		if err != nil {
			return fmt.Errorf("backbone: %w", err)
		}
		for _, x := range v {
			if !ok(x) {
				return fmt.Errorf("backbone: %s holds %v, out of range", name, v)
			}
		}
		copy(dst, v)
		return nil
	}
	positive := func(x float32) bool { return x > 0 && x < 1e3 }
	finite := func(x float32) bool { return x > -1e3 && x < 1e3 }
	e := []float32{eps}
	if err = read(weights.ConfigBatchNormEps, e, positive); err != nil {
		return
	}
	if err = read(weights.ConfigInputMean, mean[:], finite); err != nil {
		return
	}
	if err = read(weights.ConfigInputStd, std[:], positive); err != nil {
		return
	}
	return e[0], mean, std, nil
}

// Name implements Network.
func (n *DenseNet) Name() string { return n.cfg.Name }

// InputSize implements Network: torchvision's 224×224 crops.
func (n *DenseNet) InputSize() int { return 224 }

// Taps implements Network: "f1" … "f5", one per block boundary (a
// configuration of B blocks has B+1 taps).
func (n *DenseNet) Taps() []string {
	taps := make([]string, len(n.cfg.Blocks)+1)
	for i := range taps {
		taps[i] = fmt.Sprintf("f%d", i+1)
	}
	return taps
}

// DefaultTaps implements Network: content at f4 (the second-to-last tap)
// and style at every tap, as the paper has it.
func (n *DenseNet) DefaultTaps() Taps {
	taps := n.Taps()
	return Taps{Content: taps[max(len(taps)-2, 0)], Style: taps}
}

// Features implements Network.
func (n *DenseNet) Features(x op.Map, taps ...string) (Features, error) {
	all := n.Taps()
	return features(all, taps, func(tap func(string, op.Map) bool) error {
		_, err := n.forward(x, func(i int, m op.Map) bool { return tap(all[i], m) })
		return err
	})
}

// forward runs the features, calling tap with the index and map of each
// tap until it returns false, and returns the last map computed (f5 when
// tap never stops it).
func (n *DenseNet) forward(x op.Map, tap func(int, op.Map) bool) (op.Map, error) {
	if x.C != 3 {
		return op.Map{}, fmt.Errorf("backbone: %s takes an RGB image, not a %v map", n.cfg.Name, x)
	}
	small := func(err error) error {
		return fmt.Errorf("backbone: image %d×%d too small for %s: %w", x.W, x.H, n.cfg.Name, err)
	}
	x, err := n.norm.Apply(x)
	if err != nil {
		return op.Map{}, err
	}
	if x, err = n.conv0.Apply(x); err != nil {
		return op.Map{}, small(err)
	}
	if x, err = n.norm0.ApplyReLU(x); err != nil {
		return op.Map{}, err
	}
	if !tap(0, x) {
		return x, nil
	}
	if x, err = op.MaxPool(x, 3, 2, 1); err != nil {
		return op.Map{}, small(err)
	}
	for b, block := range n.blocks {
		for i := range block {
			if x, err = block[i].apply(x); err != nil {
				return op.Map{}, err
			}
		}
		last := b == len(n.blocks)-1
		norm := n.norm5
		if !last {
			norm = n.trans[b].norm
		}
		y, err := norm.ApplyReLU(x)
		if err != nil {
			return op.Map{}, err
		}
		if !tap(b+1, y) || last {
			return y, nil
		}
		if x, err = n.trans[b].conv.Apply(y); err != nil {
			return op.Map{}, err
		}
		if x, err = op.AvgPool(x, 2, 2); err != nil {
			return op.Map{}, small(err)
		}
	}
	return x, nil // not reached: the last block returns
}

// apply runs one dense layer and appends its new channels to x. Batch norm
// and ReLU run as one operator: one map and one gradient fewer per pair,
// which matters where every layer re-normalizes the whole concatenation.
func (d *denseLayer) apply(x op.Map) (op.Map, error) {
	y, err := d.norm1.ApplyReLU(x)
	if err != nil {
		return op.Map{}, err
	}
	if y, err = d.conv1.Apply(y); err != nil {
		return op.Map{}, err
	}
	if y, err = d.norm2.ApplyReLU(y); err != nil {
		return op.Map{}, err
	}
	if y, err = d.conv2.Apply(y); err != nil {
		return op.Map{}, err
	}
	return op.Concat(x, y)
}

// Logits returns the classifier's outputs for x: f5, global average, then
// the linear layer (computed directly: classification needs no gradient).
func (n *DenseNet) Logits(x op.Map) ([]float32, error) {
	f5, err := n.forward(x, func(int, op.Map) bool { return true })
	if err != nil {
		return nil, err
	}
	pooled := op.GlobalAvgPool(f5).Data()
	logits := make([]float32, n.cfg.Classes)
	for o := range logits {
		s := float64(n.classB[o])
		row := n.classW[o*n.finalChans : (o+1)*n.finalChans]
		for i, w := range row {
			s += float64(w) * float64(pooled[i])
		}
		logits[o] = float32(s)
	}
	return logits, nil
}

// Classify implements Network with torchvision's evaluation transform:
// the short side resized to 256/224 of the input size, then the central
// InputSize square; an image of exactly the input size is used as it is.
func (n *DenseNet) Classify(img *imaging.RGB) ([]float32, error) {
	if err := img.Validate(); err != nil {
		return nil, err
	}
	side := n.InputSize()
	if img.W != side || img.H != side { // else already the network's input
		short := side * 256 / 224
		w, h := short, short
		if img.W > img.H {
			w = max(side, int(float64(img.W)*float64(short)/float64(img.H)+0.5))
		} else {
			h = max(side, int(float64(img.H)*float64(short)/float64(img.W)+0.5))
		}
		img = centerCrop(imaging.Resize(img, w, h), side, side)
	}
	x, err := constInput(img)
	if err != nil {
		return nil, err
	}
	logits, err := n.Logits(x)
	if err != nil {
		return nil, err
	}
	return softmax(logits), nil
}

// centerCrop returns the central w×h part of img (which must be at least
// that large).
func centerCrop(img *imaging.RGB, w, h int) *imaging.RGB {
	out := imaging.NewRGB(w, h)
	x0, y0 := (img.W-w)/2, (img.H-h)/2
	for c := 0; c < 3; c++ {
		src, dst := img.Plane(c), out.Plane(c)
		for y := 0; y < h; y++ {
			copy(dst[y*w:(y+1)*w], src[(y0+y)*img.W+x0:])
		}
	}
	return out
}
