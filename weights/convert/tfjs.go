package convert

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"sentiment/assets"
	"sentiment/internal/infile"
	"sentiment/weights"
)

// Limits on what a TF.js model may declare, so that a hostile manifest is
// refused before anything is read or allocated.
const (
	maxModelJSON = 16 << 20 // bytes of model.json (DenseNet121's is 279 KB)
	maxTFJSFiles = 4096     // weight files in the manifest
	maxTFJSBytes = 1 << 31  // bytes of weights in all (DenseNet121: 32 MB)
)

// ErrTFJS is returned (wrapped) for a TF.js model that this converter
// cannot read: a malformed or inconsistent manifest, weight files that
// disagree with it, or a topology other than the one it maps.
var ErrTFJS = errors.New("convert: TF.js model")

// tfjsModel is what model.json declares: the model's name, its layers'
// configurations and the weight groups in file order.
type tfjsModel struct {
	Name   string
	Layers []tfjsLayer
	Groups []tfjsGroup
	Bytes  int64 // all groups' weights
}

// tfjsLayer is the part of a Keras layer's configuration the converter
// checks.
type tfjsLayer struct {
	Name      string
	ClassName string
	Config    struct {
		Epsilon    *float64        `json:"epsilon"`
		KernelSize []int           `json:"kernel_size"`
		Strides    []int           `json:"strides"`
		PoolSize   []int           `json:"pool_size"`
		Padding    json.RawMessage `json:"padding"` // "same"/"valid", or ZeroPadding2D's [[t, b], [l, r]]
		UseBias    *bool           `json:"use_bias"`
		Units      int             `json:"units"`
		Activation string          `json:"activation"`
	}
}

// tfjsGroup is one manifest entry: files whose concatenation holds its
// weights back to back.
type tfjsGroup struct {
	Paths   []string
	Weights []tfjsWeight
	Bytes   int64
}

// tfjsWeight is one declared tensor.
type tfjsWeight struct {
	Name  string
	Shape []int
	Len   int // elements
}

// parseTFJS decodes and checks model.json: every weight float32 with a
// shape of positive dimensions and a unique name, every path a plain file
// name, sizes summed without overflow and within the limits above.
func parseTFJS(data []byte) (*tfjsModel, error) {
	if len(data) > maxModelJSON {
		return nil, fmt.Errorf("%w: model.json of %d bytes, at most %d", ErrTFJS, len(data), maxModelJSON)
	}
	type layerJSON struct {
		Name      string          `json:"name"`
		ClassName string          `json:"class_name"`
		Config    json.RawMessage `json:"config"`
	}
	type modelConfig struct {
		ClassName string `json:"class_name"`
		Config    struct {
			Name   string      `json:"name"`
			Layers []layerJSON `json:"layers"`
		} `json:"config"`
	}
	var doc struct {
		ModelTopology *struct {
			modelConfig
			ModelConfig *modelConfig `json:"model_config"` // Keras's own JSON, as older converters wrote it
		} `json:"modelTopology"`
		Format          string `json:"format"`
		WeightsManifest []struct {
			Paths   []string `json:"paths"`
			Weights []struct {
				Name         string          `json:"name"`
				Shape        []int           `json:"shape"`
				DType        string          `json:"dtype"`
				Quantization json.RawMessage `json:"quantization"`
			} `json:"weights"`
		} `json:"weightsManifest"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: model.json: %v", ErrTFJS, err)
	}
	if doc.Format != "" && doc.Format != "layers-model" {
		return nil, fmt.Errorf("%w: format %q, want a layers model", ErrTFJS, doc.Format)
	}
	if doc.ModelTopology == nil {
		return nil, fmt.Errorf("%w: model.json has no modelTopology", ErrTFJS)
	}
	mc := &doc.ModelTopology.modelConfig
	if doc.ModelTopology.ModelConfig != nil {
		mc = doc.ModelTopology.ModelConfig
	}
	m := &tfjsModel{Name: mc.Config.Name}
	if m.Name == "" || len(mc.Config.Layers) == 0 {
		return nil, fmt.Errorf("%w: the topology names no model or no layers", ErrTFJS)
	}
	for _, l := range mc.Config.Layers {
		layer := tfjsLayer{Name: l.Name, ClassName: l.ClassName}
		if len(l.Config) > 0 {
			if err := json.Unmarshal(l.Config, &layer.Config); err != nil {
				return nil, fmt.Errorf("%w: layer %q: %v", ErrTFJS, l.Name, err)
			}
		}
		m.Layers = append(m.Layers, layer)
	}
	if len(doc.WeightsManifest) == 0 {
		return nil, fmt.Errorf("%w: model.json has no weightsManifest", ErrTFJS)
	}
	files, names := 0, map[string]bool{}
	for gi, g := range doc.WeightsManifest {
		if len(g.Paths) == 0 || len(g.Weights) == 0 {
			return nil, fmt.Errorf("%w: weight group %d has no paths or no weights", ErrTFJS, gi)
		}
		if files += len(g.Paths); files > maxTFJSFiles {
			return nil, fmt.Errorf("%w: more than %d weight files", ErrTFJS, maxTFJSFiles)
		}
		group := tfjsGroup{}
		for _, p := range g.Paths {
			// Files beside model.json only: no folders, no way out of it.
			if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `/\`+"\x00") {
				return nil, fmt.Errorf("%w: weight group %d: path %q is not a plain file name", ErrTFJS, gi, p)
			}
			group.Paths = append(group.Paths, p)
		}
		for _, w := range g.Weights {
			if w.Name == "" || names[w.Name] {
				return nil, fmt.Errorf("%w: weight group %d: empty or repeated weight name %q", ErrTFJS, gi, w.Name)
			}
			names[w.Name] = true
			if w.DType != "float32" {
				return nil, fmt.Errorf("%w: weight %s: dtype %q, only float32 is supported", ErrTFJS, w.Name, w.DType)
			}
			if len(w.Quantization) > 0 && string(w.Quantization) != "null" {
				return nil, fmt.Errorf("%w: weight %s is quantized, which is not supported", ErrTFJS, w.Name)
			}
			if len(w.Shape) == 0 || len(w.Shape) > 8 {
				return nil, fmt.Errorf("%w: weight %s: shape %v, want rank 1 to 8", ErrTFJS, w.Name, w.Shape)
			}
			n := 1
			for _, d := range w.Shape {
				if d < 1 || n > math.MaxInt32/d {
					return nil, fmt.Errorf("%w: weight %s: bad shape %v", ErrTFJS, w.Name, w.Shape)
				}
				n *= d
			}
			group.Weights = append(group.Weights, tfjsWeight{Name: w.Name, Shape: w.Shape, Len: n})
			group.Bytes += 4 * int64(n)
		}
		if m.Bytes += group.Bytes; m.Bytes > maxTFJSBytes {
			return nil, fmt.Errorf("%w: more than %d bytes of weights declared", ErrTFJS, int64(maxTFJSBytes))
		}
		m.Groups = append(m.Groups, group)
	}
	return m, nil
}

// DenseNet121 converts Keras's DenseNet121 from the assets folder that
// assets.Root(dir) finds (assets.DenseNet121TFJS), after checking its
// files against the published sha256s, in float32. An error wrapping
// assets.ErrNotFound means the assets do not have it.
func DenseNet121(dir string) (*weights.File, error) {
	folder, err := assets.Path(dir, assets.DenseNet121TFJS)
	if err != nil {
		return nil, err
	}
	if err := CheckTFJS(folder, assets.DenseNet121TFJSModelSHA256, assets.DenseNet121TFJSWeightsSHA256); err != nil {
		return nil, fmt.Errorf("DenseNet121: %w", err)
	}
	return TFJS(folder)
}

// CheckTFJS checks the TF.js folder dir against published sha256s: of its
// model.json, and of its weight files concatenated in manifest order
// (TFJSDigest).
func CheckTFJS(dir, modelSHA256, weightsSHA256 string) error {
	if err := assets.CheckHash(filepath.Join(dir, "model.json"), modelSHA256); err != nil {
		return err
	}
	sum, err := TFJSDigest(dir)
	if err != nil {
		return err
	}
	if sum != weightsSHA256 {
		return fmt.Errorf("the weight files in %s have sha256 %s, not the published %s (corrupt or other weights)", dir, sum, weightsSHA256)
	}
	return nil
}

// TFJSDigest returns the hex sha256 of the model's weight files
// concatenated in manifest order, the figure ../shared/assets/README.md
// publishes for DenseNet121 (DenseNet121TFJSWeightsSHA256).
func TFJSDigest(dir string) (string, error) {
	data, err := readModelJSON(dir)
	if err != nil {
		return "", err
	}
	m, err := parseTFJS(data)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, g := range m.Groups {
		for _, p := range g.Paths {
			f, err := infile.Open(filepath.Join(dir, p), "TF.js weight file", maxTFJSBytes)
			if err != nil {
				return "", fmt.Errorf("%w: %w", ErrTFJS, err)
			}
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return "", fmt.Errorf("%w: %v", ErrTFJS, err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readModelJSON reads dir/model.json, refusing one over maxModelJSON.
func readModelJSON(dir string) ([]byte, error) {
	data, err := infile.Read(filepath.Join(dir, "model.json"), "TF.js model.json", maxModelJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTFJS, err)
	}
	return data, nil
}

// readTFJS reads the weights of m from dir, each group's files after
// checking that their sizes add up to what the group declares, and
// returns every tensor's float32 values by name.
func readTFJS(dir string, m *tfjsModel) (map[string][]float32, error) {
	out := make(map[string][]float32)
	for gi, g := range m.Groups {
		var sizes []int64
		var total int64
		for _, p := range g.Paths {
			fi, err := os.Stat(filepath.Join(dir, p))
			if err != nil {
				return nil, fmt.Errorf("%w: weight group %d: %v", ErrTFJS, gi, err)
			}
			if !fi.Mode().IsRegular() {
				return nil, fmt.Errorf("%w: weight group %d: %s is not a regular file", ErrTFJS, gi, p)
			}
			sizes = append(sizes, fi.Size())
			total += fi.Size()
		}
		if total != g.Bytes {
			return nil, fmt.Errorf("%w: weight group %d (%s): %d bytes in its files, its %d weights need %d", ErrTFJS, gi, strings.Join(g.Paths, ", "), total, len(g.Weights), g.Bytes)
		}
		buf := make([]byte, 0, total) // bounded by the files actually present
		for i, p := range g.Paths {
			f, err := infile.Open(filepath.Join(dir, p), "TF.js weight file", sizes[i])
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrTFJS, err)
			}
			n := len(buf)
			buf = buf[:n+int(sizes[i])]
			_, err = io.ReadFull(f, buf[n:])
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrTFJS, p, err)
			}
		}
		for _, w := range g.Weights {
			v := make([]float32, w.Len)
			for i := range v {
				v[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
			}
			buf = buf[4*w.Len:]
			out[w.Name] = v
		}
	}
	return out, nil
}

// TFJS converts a TensorFlow.js layers model, dir/model.json and the
// weight files its manifest lists, to a File. It maps the one topology the
// project builds from this format, Keras Applications' DenseNet121
// (densenet121-tfjs in the assets), onto backbone's DenseNet121: names
// become torchvision's, kernels are permuted from height × width × in × out
// to out × in × height × width and the classifier's from in × out to
// out × in. Values stay float32 (Float16 rounds them for the page).
//
// What the Keras network does differently from torchvision's is recorded
// in the File as float32 tensors that the network reads
// (weights.ConfigBatchNormEps, weights.ConfigInputMean and
// weights.ConfigInputStd): the batch-norm epsilon that the topology
// declares, and Keras's "torch" input preprocessing. Its zero paddings
// equal the builder's: ZeroPadding2D(3) and a valid 7×7/2 convolution are a
// convolution padded by 3, and ZeroPadding2D(1) and a valid 3×3/2 max pool
// after a ReLU (inputs ≥ 0, so a zero never wins over the window's own
// values) are a max pool padded by 1. The topology is checked for exactly
// those layers before any weight is read.
func TFJS(dir string) (*weights.File, error) {
	data, err := readModelJSON(dir)
	if err != nil {
		return nil, err
	}
	m, err := parseTFJS(data)
	if err != nil {
		return nil, err
	}
	if m.Name != "densenet121" {
		return nil, fmt.Errorf("%w: model %q: this converter maps Keras's densenet121 only", ErrTFJS, m.Name)
	}
	eps, err := denseNetTopology(m.Layers)
	if err != nil {
		return nil, err
	}
	values, err := readTFJS(dir, m)
	if err != nil {
		return nil, err
	}
	tensors := []*weights.Tensor{
		weights.NewFloat32(weights.ConfigBatchNormEps, []int{1}, []float32{float32(eps)}),
		// Keras Applications' preprocess_input(mode="torch"), which its
		// DenseNets were trained with: [0, 1], then ImageNet's mean and std.
		weights.NewFloat32(weights.ConfigInputMean, []int{3}, []float32{0.485, 0.456, 0.406}),
		weights.NewFloat32(weights.ConfigInputStd, []int{3}, []float32{0.229, 0.224, 0.225}),
	}
	for _, g := range m.Groups {
		for _, w := range g.Weights {
			name, layout, err := kerasDenseNetName(w.Name)
			if err != nil {
				return nil, err
			}
			v, shape := values[w.Name], w.Shape
			switch layout {
			case hwio:
				if len(shape) != 4 {
					return nil, fmt.Errorf("%w: %s: shape %v, want a 4-D kernel", ErrTFJS, w.Name, shape)
				}
				t := weights.NewFloat32(name, shape, v)
				permuteHWIOtoOIHW(t)
				tensors = append(tensors, t)
				continue
			case io2oi:
				if len(shape) != 2 {
					return nil, fmt.Errorf("%w: %s: shape %v, want in × out", ErrTFJS, w.Name, shape)
				}
				v, shape = transpose(v, shape[0], shape[1]), []int{shape[1], shape[0]}
			}
			tensors = append(tensors, weights.NewFloat32(name, shape, v))
		}
	}
	f, err := weights.NewFile("densenet121", tensors)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTFJS, err)
	}
	return f, nil
}

// Layouts of Keras weights that differ from the format's.
const (
	same  = iota // vectors
	hwio         // convolution kernels
	io2oi        // dense kernels
)

// kerasDenseNetName maps a Keras DenseNet weight name to torchvision's and
// says how its layout differs.
func kerasDenseNetName(k string) (string, int, error) {
	bad := fmt.Errorf("%w: weight %q is not one of Keras DenseNet121's", ErrTFJS, k)
	layer, leaf, ok := strings.Cut(k, "/")
	if !ok {
		return "", 0, bad
	}
	if layer == "conv1" { // conv1/conv/kernel, conv1/bn/gamma …
		layer, leaf, _ = strings.Cut(leaf, "/")
		layer = map[string]string{"conv": "features.conv0", "bn": "features.norm0"}[layer]
	} else if layer == "bn" {
		layer = "features.norm5"
	} else if layer == "fc1000" {
		switch leaf {
		case "kernel":
			return "classifier.weight", io2oi, nil
		case "bias":
			return "classifier.bias", same, nil
		}
		return "", 0, bad
	} else {
		var b, l, part int
		var kind string
		if n, _ := fmt.Sscanf(layer, "conv%d_block%d_%d_%s", &b, &l, &part, &kind); n == 4 && b >= 2 && l >= 1 && part <= 2 && layer == fmt.Sprintf("conv%d_block%d_%d_%s", b, l, part, kind) {
			sub := map[string]string{"0_bn": "norm1", "1_conv": "conv1", "1_bn": "norm2", "2_conv": "conv2"}[fmt.Sprintf("%d_%s", part, kind)]
			if sub == "" {
				return "", 0, bad
			}
			layer = fmt.Sprintf("features.denseblock%d.denselayer%d.%s", b-1, l, sub)
		} else if n, _ := fmt.Sscanf(layer, "pool%d_%s", &b, &kind); n == 2 && b >= 2 && layer == fmt.Sprintf("pool%d_%s", b, kind) && (kind == "bn" || kind == "conv") {
			layer = fmt.Sprintf("features.transition%d.%s", b-1, map[string]string{"bn": "norm", "conv": "conv"}[kind])
		} else {
			return "", 0, bad
		}
	}
	if layer == "" {
		return "", 0, bad
	}
	if strings.HasSuffix(layer, "conv0") || strings.Contains(layer, ".conv") {
		if leaf != "kernel" {
			return "", 0, bad // Keras's DenseNet convolutions have no bias
		}
		return layer + ".weight", hwio, nil
	}
	bn := map[string]string{"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}[leaf]
	if bn == "" {
		return "", 0, bad
	}
	return layer + "." + bn, same, nil
}

// transpose returns the rows × cols matrix v transposed.
func transpose(v []float32, rows, cols int) []float32 {
	out := make([]float32, len(v))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			out[c*rows+r] = v[r*cols+c]
		}
	}
	return out
}

// denseNetTopology checks that the Keras layers compute what backbone's
// DenseNet computes (see TFJS) and returns the batch-norm epsilon, which
// every BatchNormalization layer must share.
func denseNetTopology(layers []tfjsLayer) (float64, error) {
	eps := 0.0
	bad := func(l tfjsLayer, why string) error {
		return fmt.Errorf("%w: layer %s (%s): %s, not what DenseNet121 is built as", ErrTFJS, l.Name, l.ClassName, why)
	}
	var pads []string
	seen := map[string]int{}
	for _, l := range layers {
		c := &l.Config
		seen[l.ClassName]++
		switch l.ClassName {
		case "BatchNormalization":
			if c.Epsilon == nil || !(*c.Epsilon > 0 && *c.Epsilon < 1) {
				return 0, bad(l, "no epsilon in (0, 1)")
			}
			if eps != 0 && *c.Epsilon != eps {
				return 0, bad(l, fmt.Sprintf("epsilon %g where the others have %g", *c.Epsilon, eps))
			}
			eps = *c.Epsilon
		case "ZeroPadding2D":
			pads = append(pads, strings.Join(strings.Fields(string(c.Padding)), ""))
		case "Conv2D":
			k, s, p := intPair(c.KernelSize), intPair(c.Strides), string(c.Padding)
			ok := c.UseBias != nil && !*c.UseBias && (c.Activation == "" || c.Activation == "linear")
			switch {
			case k == 7 && s == 2 && p == `"valid"` && l.Name == "conv1/conv":
			case k == 3 && s == 1 && p == `"same"`:
			case k == 1 && s == 1 && p == `"valid"`:
			default:
				ok = false
			}
			if !ok {
				return 0, bad(l, fmt.Sprintf("kernel %v, strides %v, padding %s", c.KernelSize, c.Strides, c.Padding))
			}
		case "MaxPooling2D":
			if intPair(c.PoolSize) != 3 || intPair(c.Strides) != 2 || string(c.Padding) != `"valid"` {
				return 0, bad(l, "not a valid 3×3/2 max pool")
			}
		case "AveragePooling2D":
			if intPair(c.PoolSize) != 2 || intPair(c.Strides) != 2 || string(c.Padding) != `"valid"` {
				return 0, bad(l, "not a valid 2×2/2 average pool")
			}
		case "Dense":
			if c.Units != 1000 || c.UseBias == nil || !*c.UseBias {
				return 0, bad(l, fmt.Sprintf("%d units", c.Units))
			}
		case "Activation":
			if c.Activation != "relu" {
				return 0, bad(l, "activation "+c.Activation)
			}
		case "InputLayer", "Concatenate", "GlobalAveragePooling2D":
		default:
			return 0, bad(l, "unknown layer")
		}
	}
	if len(pads) != 2 || pads[0] != "[[3,3],[3,3]]" || pads[1] != "[[1,1],[1,1]]" {
		return 0, fmt.Errorf("%w: zero paddings %v, want [[3,3],[3,3]] before conv1 and [[1,1],[1,1]] before pool1", ErrTFJS, pads)
	}
	if seen["MaxPooling2D"] != 1 || seen["Dense"] != 1 || seen["GlobalAveragePooling2D"] != 1 || eps == 0 {
		return 0, fmt.Errorf("%w: %d max pools, %d dense and %d global pooling layers and batch norms %v: not DenseNet121", ErrTFJS, seen["MaxPooling2D"], seen["Dense"], seen["GlobalAveragePooling2D"], eps != 0)
	}
	return eps, nil
}

// intPair returns n for [n, n], else 0.
func intPair(v []int) int {
	if len(v) == 2 && v[0] == v[1] {
		return v[0]
	}
	return 0
}
