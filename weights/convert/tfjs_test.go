package convert

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/weights"
)

// toyLayers is the smallest topology the DenseNet check accepts: the stem,
// the pooling and the head, with Keras's layer names and settings.
func toyLayers() []map[string]any {
	layer := func(name, class string, config map[string]any) map[string]any {
		return map[string]any{"name": name, "class_name": class, "config": config}
	}
	return []map[string]any{
		layer("input_1", "InputLayer", map[string]any{"batch_input_shape": []any{nil, 224, 224, 3}}),
		layer("zero_padding2d_1", "ZeroPadding2D", map[string]any{"padding": [][]int{{3, 3}, {3, 3}}}),
		layer("conv1/conv", "Conv2D", map[string]any{"kernel_size": []int{7, 7}, "strides": []int{2, 2}, "padding": "valid", "use_bias": false, "activation": "linear"}),
		layer("conv1/bn", "BatchNormalization", map[string]any{"epsilon": 1.001e-5}),
		layer("conv1/relu", "Activation", map[string]any{"activation": "relu"}),
		layer("zero_padding2d_2", "ZeroPadding2D", map[string]any{"padding": [][]int{{1, 1}, {1, 1}}}),
		layer("pool1", "MaxPooling2D", map[string]any{"pool_size": []int{3, 3}, "strides": []int{2, 2}, "padding": "valid"}),
		layer("conv2_block1_1_conv", "Conv2D", map[string]any{"kernel_size": []int{1, 1}, "strides": []int{1, 1}, "padding": "valid", "use_bias": false}),
		layer("pool2_pool", "AveragePooling2D", map[string]any{"pool_size": []int{2, 2}, "strides": []int{2, 2}, "padding": "valid"}),
		layer("avg_pool", "GlobalAveragePooling2D", map[string]any{}),
		layer("fc1000", "Dense", map[string]any{"units": 1000, "use_bias": true, "activation": "softmax"}),
	}
}

// toyWeight is one manifest entry with its values.
type toyWeight struct {
	name  string
	shape []int
	v     []float32
}

// toyModel returns a model.json for layers and groups of weights (one
// group a file), and the files' bytes.
func toyModel(t testing.TB, layers []map[string]any, groups [][]toyWeight) ([]byte, map[string][]byte) {
	t.Helper()
	var manifest []map[string]any
	files := map[string][]byte{}
	for i, g := range groups {
		var ws []map[string]any
		var b []byte
		for _, w := range g {
			ws = append(ws, map[string]any{"name": w.name, "shape": w.shape, "dtype": "float32"})
			for _, x := range w.v {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
			}
		}
		p := fmt.Sprintf("group%d-shard1of1", i+1)
		files[p] = b
		manifest = append(manifest, map[string]any{"paths": []string{p}, "weights": ws})
	}
	doc := map[string]any{
		"modelTopology": map[string]any{
			"keras_version": "2.1.4-tf",
			"model_config":  map[string]any{"class_name": "Model", "config": map[string]any{"name": "densenet121", "layers": layers}},
		},
		"weightsManifest": manifest,
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data, files
}

// writeModel writes a model.json and its files into a new folder.
func writeModel(t *testing.T, modelJSON []byte, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.json"), modelJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func seq(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)
	}
	return v
}

// toyGroups are weights in the layouts TFJS permutes, each value its own
// position, in two groups.
func toyGroups() [][]toyWeight {
	return [][]toyWeight{
		{
			{"conv1/conv/kernel", []int{2, 3, 4, 5}, seq(120)},
			{"conv1/bn/gamma", []int{5}, seq(5)},
		},
		{
			{"fc1000/kernel", []int{2, 3}, seq(6)},
			{"conv3_block2_1_bn/moving_variance", []int{4}, seq(4)},
		},
	}
}

func TestTFJSLayouts(t *testing.T) {
	data, files := toyModel(t, toyLayers(), toyGroups())
	f, err := TFJS(writeModel(t, data, files))
	if err != nil {
		t.Fatal(err)
	}
	// The kernel's element [y, x, i, o] is now at [o, i, y, x].
	k, err := f.Float32("features.conv0.weight", 5, 4, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			for i := 0; i < 4; i++ {
				for o := 0; o < 5; o++ {
					if got, want := k[((o*4+i)*2+y)*3+x], float32(((y*3+x)*4+i)*5+o); got != want {
						t.Fatalf("kernel [%d %d %d %d] = %v, want %v", o, i, y, x, got, want)
					}
				}
			}
		}
	}
	// The dense kernel, in × out, becomes out × in.
	if c, err := f.Float32("classifier.weight", 3, 2); err != nil || fmt.Sprint(c) != "[0 3 1 4 2 5]" {
		t.Errorf("classifier.weight = %v, %v", c, err)
	}
	if v, err := f.Float32("features.denseblock2.denselayer2.norm2.running_var", 4); err != nil || fmt.Sprint(v) != "[0 1 2 3]" {
		t.Errorf("conv3_block2_1_bn/moving_variance → %v, %v", v, err)
	}
	if g, err := f.Float32("features.norm0.weight", 5); err != nil || fmt.Sprint(g) != "[0 1 2 3 4]" {
		t.Errorf("conv1/bn/gamma → %v, %v", g, err)
	}
	if e, err := f.Float32(weights.ConfigBatchNormEps, 1); err != nil || e[0] != float32(1.001e-5) {
		t.Errorf("epsilon %v, %v", e, err)
	}
}

func TestKerasDenseNetNames(t *testing.T) {
	for k, want := range map[string]string{
		"conv1/conv/kernel":                 "features.conv0.weight",
		"conv1/bn/moving_mean":              "features.norm0.running_mean",
		"conv2_block1_0_bn/gamma":           "features.denseblock1.denselayer1.norm1.weight",
		"conv2_block1_1_conv/kernel":        "features.denseblock1.denselayer1.conv1.weight",
		"conv4_block24_1_bn/beta":           "features.denseblock3.denselayer24.norm2.bias",
		"conv5_block16_2_conv/kernel":       "features.denseblock4.denselayer16.conv2.weight",
		"pool2_bn/moving_variance":          "features.transition1.norm.running_var",
		"pool4_conv/kernel":                 "features.transition3.conv.weight",
		"bn/gamma":                          "features.norm5.weight",
		"fc1000/bias":                       "classifier.bias",
		"fc1000/kernel":                     "classifier.weight",
		"conv3_block2_1_bn/moving_variance": "features.denseblock2.denselayer2.norm2.running_var",
	} {
		got, _, err := kerasDenseNetName(k)
		if err != nil || got != want {
			t.Errorf("%s → %q, %v; want %s", k, got, err, want)
		}
	}
	for _, k := range []string{"", "bn", "conv1/conv/bias", "conv1/fc/kernel", "conv2_block1_3_conv/kernel", "conv2_block1_1_conv/gamma",
		"conv2_block1_0_bn/kernel", "conv02_block1_0_bn/gamma", "conv2_block1_0_bnx/gamma", "pool2_relu/gamma", "fc1000/gamma", "dense/kernel", "conv2_block1_0_bn /gamma"} {
		if got, _, err := kerasDenseNetName(k); err == nil {
			t.Errorf("%q accepted as %s", k, got)
		}
	}
}

func TestTFJSRefuses(t *testing.T) {
	good, goodFiles := toyModel(t, toyLayers(), toyGroups())
	with := func(edit func(layers []map[string]any, groups [][]toyWeight) ([]map[string]any, [][]toyWeight)) ([]byte, map[string][]byte) {
		l, g := edit(toyLayers(), toyGroups())
		return toyModel(t, l, g)
	}
	cases := map[string]struct {
		data  []byte
		files map[string][]byte
		want  string
	}{
		"not JSON":     {[]byte("{"), goodFiles, "model.json"},
		"no manifest":  {[]byte(`{"modelTopology": {"class_name": "Model", "config": {"name": "densenet121", "layers": [{}]}}}`), nil, "no weightsManifest"},
		"no topology":  {[]byte(`{"weightsManifest": []}`), nil, "no modelTopology"},
		"path escapes": {[]byte(strings.Replace(string(good), `"group1-shard1of1"`, `"../group1-shard1of1"`, 1)), goodFiles, "plain file name"},
		"int32":        {[]byte(strings.Replace(string(good), `"float32"`, `"int32"`, 1)), goodFiles, "only float32"},
		"quantized":    {[]byte(strings.Replace(string(good), `"dtype":"float32"`, `"dtype":"float32","quantization":{"dtype":"uint8"}`, 1)), goodFiles, "quantized"},
		"zero dim":     {[]byte(strings.Replace(string(good), `[2,3,4,5]`, `[2,0,4,5]`, 1)), goodFiles, "bad shape"},
		"huge shape":   {[]byte(strings.Replace(string(good), `[2,3,4,5]`, `[65536,65536,65536,2]`, 1)), goodFiles, "bad shape"},
		"negative dim": {[]byte(strings.Replace(string(good), `[2,3,4,5]`, `[-2,-3,4,5]`, 1)), goodFiles, "bad shape"},
		"missing file": {good, map[string][]byte{"group1-shard1of1": goodFiles["group1-shard1of1"]}, "group2-shard1of1"},
		"short shard":  {good, map[string][]byte{"group1-shard1of1": goodFiles["group1-shard1of1"][:100], "group2-shard1of1": goodFiles["group2-shard1of1"]}, "bytes in its files"},
		"long shard":   {good, map[string][]byte{"group1-shard1of1": append(goodFiles["group1-shard1of1"], 0, 0, 0, 0), "group2-shard1of1": goodFiles["group2-shard1of1"]}, "bytes in its files"},
		"other model":  {[]byte(strings.Replace(string(good), `"name":"densenet121"`, `"name":"resnet50"`, 1)), goodFiles, "densenet121 only"},
	}
	edits := map[string]struct {
		edit func([]map[string]any, [][]toyWeight) ([]map[string]any, [][]toyWeight)
		want string
	}{
		"duplicate": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			g[1] = append(g[1], toyWeight{"conv1/bn/gamma", []int{5}, seq(5)})
			return l, g
		}, "repeated"},
		"unknown weight": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			g[0] = append(g[0], toyWeight{"conv1/conv/bias", []int{5}, seq(5)})
			return l, g
		}, "not one of"},
		"two epsilons": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			return append(l, map[string]any{"name": "bn", "class_name": "BatchNormalization", "config": map[string]any{"epsilon": 1e-3}}), g
		}, "epsilon"},
		"same-padded stem": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			l[2]["config"].(map[string]any)["padding"] = "same"
			return l, g
		}, "conv1/conv"},
		"max pool padding 2": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			l[5]["config"].(map[string]any)["padding"] = [][]int{{2, 2}, {2, 2}}
			return l, g
		}, "zero paddings"},
		"strided 3×3": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			return append(l, map[string]any{"name": "x", "class_name": "Conv2D", "config": map[string]any{"kernel_size": []int{3, 3}, "strides": []int{2, 2}, "padding": "same", "use_bias": false}}), g
		}, "kernel"},
		"biased conv": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			l[7]["config"].(map[string]any)["use_bias"] = true
			return l, g
		}, "kernel"},
		"dropout": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			return append(l, map[string]any{"name": "d", "class_name": "Dropout", "config": map[string]any{}}), g
		}, "unknown layer"},
		"sigmoid": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			l[4]["config"].(map[string]any)["activation"] = "sigmoid"
			return l, g
		}, "activation"},
		"no max pool": {func(l []map[string]any, g [][]toyWeight) ([]map[string]any, [][]toyWeight) {
			return append(l[:6:6], l[7:]...), g
		}, "max pools"},
	}
	for name, e := range edits {
		d, f := with(e.edit)
		cases[name] = struct {
			data  []byte
			files map[string][]byte
			want  string
		}{d, f, e.want}
	}
	for name, c := range cases {
		f, err := TFJS(writeModel(t, c.data, c.files))
		if err == nil {
			t.Errorf("%s: accepted (%d tensors)", name, len(f.Tensors))
			continue
		}
		if !errors.Is(err, ErrTFJS) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an ErrTFJS saying %q", name, err, c.want)
		}
	}
	if _, err := TFJS(t.TempDir()); err == nil || !strings.Contains(err.Error(), "model.json") {
		t.Errorf("empty folder: %v", err)
	}
}

// densenetTFJS is the assets' folder of Keras's DenseNet121.
func densenetTFJS(t testing.TB) string {
	t.Helper()
	p, err := assets.Path("", assets.DenseNet121TFJS+"/model.json")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(p)
}

// TestTFJSDenseNet121 converts the real model and checks the figures of
// ../shared/assets/README.md.
func TestTFJSDenseNet121(t *testing.T) {
	dir := densenetTFJS(t)
	f, err := TFJS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := TFJSDigest(dir); err != nil || sum != assets.DenseNet121TFJSWeightsSHA256 {
		t.Errorf("weights digest %s, %v; the README has %s", sum, err, assets.DenseNet121TFJSWeightsSHA256)
	}
	// 606 tensors and 8,062,504 parameters, plus the three config tensors
	// (1 + 3 + 3 values).
	if f.Backbone != "densenet121" || len(f.Tensors) != 606+3 || f.Params() != 8062504+7 {
		t.Fatalf("%s: %d tensors, %d values", f.Backbone, len(f.Tensors), f.Params())
	}
	if e, _ := f.Float32(weights.ConfigBatchNormEps, 1); e[0] != float32(1.001e-5) {
		t.Errorf("epsilon %v", e)
	}
	// conv1/conv/kernel is the last tensor of group2: check one element
	// against the file directly.
	raw, err := os.ReadFile(filepath.Join(dir, "group2-shard1of1"))
	if err != nil {
		t.Fatal(err)
	}
	kernel := raw[len(raw)-4*7*7*3*64:] // [7, 7, 3, 64]
	w, err := f.Float32("features.conv0.weight", 64, 3, 7, 7)
	if err != nil {
		t.Fatal(err)
	}
	y, x, i, o := 5, 2, 1, 33
	want := math.Float32frombits(binary.LittleEndian.Uint32(kernel[4*(((y*7+x)*3+i)*64+o):]))
	if got := w[((o*3+i)*7+y)*7+x]; got != want || want == 0 {
		t.Errorf("conv0 [%d %d %d %d] = %v, file has %v", o, i, y, x, got, want)
	}
	h, err := Float16(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range h.Tensors {
		if want := weights.Float16; strings.HasPrefix(tt.Name, "config.") {
			want = weights.Float32
			if tt.Storage != want {
				t.Errorf("%s stored as %v", tt.Name, tt.Storage)
			}
		} else if tt.Storage != want {
			t.Errorf("%s stored as %v", tt.Name, tt.Storage)
		}
	}
}

// FuzzTFJSManifest feeds arbitrary model.json bytes to the manifest parser:
// it must never panic, and what it accepts must be within its limits and
// consistent (sizes that add up, plain paths, unique names).
func FuzzTFJSManifest(f *testing.F) {
	good, _ := toyModel(f, toyLayers(), toyGroups())
	f.Add(good)
	f.Add([]byte(`{"modelTopology": {"class_name": "Model", "config": {"name": "m", "layers": [{"name": "a", "class_name": "Dense", "config": {"units": 3}}]}}, "weightsManifest": [{"paths": ["a"], "weights": [{"name": "w", "shape": [2, 2], "dtype": "float32"}]}]}`))
	f.Add([]byte(`{"format": "layers-model", "modelTopology": {}, "weightsManifest": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseTFJS(b)
		if err != nil {
			if !errors.Is(err, ErrTFJS) {
				t.Fatalf("error not wrapping ErrTFJS: %v", err)
			}
			return
		}
		var total int64
		names := map[string]bool{}
		for _, g := range m.Groups {
			var sum int64
			for _, w := range g.Weights {
				n := int64(1)
				for _, d := range w.Shape {
					n *= int64(d)
				}
				if n != int64(w.Len) || n < 1 || names[w.Name] {
					t.Fatalf("weight %s: shape %v, %d elements, repeated %v", w.Name, w.Shape, w.Len, names[w.Name])
				}
				names[w.Name] = true
				sum += 4 * n
			}
			for _, p := range g.Paths {
				if p != filepath.Base(p) || p == ".." || p == "." || strings.Contains(p, `\`) {
					t.Fatalf("path %q accepted", p)
				}
			}
			if sum != g.Bytes {
				t.Fatalf("group of %d bytes declared, %d summed", g.Bytes, sum)
			}
			total += sum
		}
		if total != m.Bytes || total > maxTFJSBytes {
			t.Fatalf("%d bytes in all, %d summed", m.Bytes, total)
		}
	})
}
