package convert

import (
	"math"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"sentiment/assets"
	"sentiment/weights"
)

// kerasWeight encodes one Keras.js Weights message.
func kerasWeight(name string, shape []uint64, typ string, data []byte, lo, hi float32) []byte {
	var m []byte
	m = protowire.AppendTag(m, kjsWeightName, protowire.BytesType)
	m = protowire.AppendString(m, name)
	var packed []byte
	for _, d := range shape {
		packed = protowire.AppendVarint(packed, d)
	}
	m = protowire.AppendTag(m, kjsWeightShape, protowire.BytesType)
	m = protowire.AppendBytes(m, packed)
	m = protowire.AppendTag(m, kjsWeightType, protowire.BytesType)
	m = protowire.AppendString(m, typ)
	m = protowire.AppendTag(m, kjsWeightData, protowire.BytesType)
	m = protowire.AppendBytes(m, data)
	m = protowire.AppendTag(m, kjsWeightMin, protowire.Fixed32Type)
	m = protowire.AppendFixed32(m, math.Float32bits(lo))
	m = protowire.AppendTag(m, kjsWeightMax, protowire.Fixed32Type)
	m = protowire.AppendFixed32(m, math.Float32bits(hi))
	return m
}

func kerasModel(name string, weights ...[]byte) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, "some-id")
	b = protowire.AppendTag(b, kjsModelName, protowire.BytesType)
	b = protowire.AppendString(b, name)
	b = protowire.AppendTag(b, 5, protowire.BytesType)
	b = protowire.AppendString(b, `{"class_name": "Model"}`)
	for _, w := range weights {
		b = protowire.AppendTag(b, kjsModelWeights, protowire.BytesType)
		b = protowire.AppendBytes(b, w)
	}
	return b
}

func TestFromKerasJSSynthetic(t *testing.T) {
	// A 2×3 kernel from 4 inputs to 5 outputs whose byte at [y, x, i, o]
	// encodes its own position, so the permutation can be read back.
	const kh, kw, ci, co = 2, 3, 4, 5
	q := make([]byte, kh*kw*ci*co)
	for y := 0; y < kh; y++ {
		for x := 0; x < kw; x++ {
			for i := 0; i < ci; i++ {
				for o := 0; o < co; o++ {
					q[((y*kw+x)*ci+i)*co+o] = byte(y*100 + x*30 + i*5 + o)
				}
			}
		}
	}
	bias := []byte{0, 51, 102, 153, 204}
	model := kerasModel("toy",
		kerasWeight("block/conv/kernel:0", []uint64{kh, kw, ci, co}, "uint8", q, -2, 2),
		kerasWeight("block/conv/bias:0", []uint64{co}, "uint8", bias, 0, 5),
	)
	f, err := KerasJS(model)
	if err != nil {
		t.Fatal(err)
	}
	if f.Backbone != "toy" {
		t.Errorf("backbone %q", f.Backbone)
	}
	k, err := f.Tensor("block.conv.weight", co, ci, kh, kw)
	if err != nil {
		t.Fatal(err)
	}
	if k.Storage != weights.Uint8 || k.Min != -2 || k.Max != 2 {
		t.Errorf("kernel storage %v [%v, %v]", k.Storage, k.Min, k.Max)
	}
	for o := 0; o < co; o++ {
		for i := 0; i < ci; i++ {
			for y := 0; y < kh; y++ {
				for x := 0; x < kw; x++ {
					if got, want := k.Data[((o*ci+i)*kh+y)*kw+x], byte(y*100+x*30+i*5+o); got != want {
						t.Fatalf("[%d %d %d %d] = %d, want %d", o, i, y, x, got, want)
					}
				}
			}
		}
	}
	b, err := f.Float32("block.conv.bias", co)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range b {
		if math.Abs(float64(v)-float64(i)) > 1e-6 {
			t.Errorf("bias %d = %v", i, v)
		}
	}
}

func TestFromKerasJSRefuses(t *testing.T) {
	good := kerasModel("toy", kerasWeight("w/kernel:0", []uint64{1, 1, 1, 2}, "uint8", []byte{1, 2}, 0, 1))
	cases := map[string][]byte{
		"empty":          nil,
		"truncated":      good[:len(good)-3],
		"no weights":     kerasModel("toy"),
		"short data":     kerasModel("toy", kerasWeight("w/kernel:0", []uint64{1, 1, 1, 3}, "uint8", []byte{1, 2}, 0, 1)),
		"unknown type":   kerasModel("toy", kerasWeight("w/kernel:0", []uint64{1, 1, 1, 2}, "int4", []byte{1, 2}, 0, 1)),
		"duplicate":      kerasModel("toy", kerasWeight("w:0", []uint64{1}, "uint8", []byte{1}, 0, 1), kerasWeight("w:0", []uint64{1}, "uint8", []byte{1}, 0, 1)),
		"not a protobuf": []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
	}
	for name, b := range cases {
		if _, err := KerasJS(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestFromKerasJSSqueezeNet converts the real model file.
func TestFromKerasJSSqueezeNet(t *testing.T) {
	path, err := assets.Fetch("", assets.SqueezeNet)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := KerasJS(data)
	if err != nil {
		t.Fatal(err)
	}
	// The figures of ../shared/assets/README.md.
	if f.Backbone != "squeezenet_v1.1" || len(f.Tensors) != 52 || f.Params() != 1235496 {
		t.Fatalf("%s: %d tensors, %d parameters", f.Backbone, len(f.Tensors), f.Params())
	}
	for _, tt := range f.Tensors {
		if tt.Storage != weights.Uint8 || strings.ContainsAny(tt.Name, "/:") {
			t.Errorf("tensor %s stored as %v", tt.Name, tt.Storage)
		}
	}
	for _, c := range []struct {
		name  string
		shape []int
	}{
		{"conv1.weight", []int{64, 3, 3, 3}},
		{"conv1.bias", []int{64}},
		{"fire2.squeeze1x1.weight", []int{16, 64, 1, 1}},
		{"fire9.expand3x3.weight", []int{256, 64, 3, 3}},
		{"conv10.weight", []int{1000, 512, 1, 1}},
	} {
		if _, err := f.Tensor(c.name, c.shape...); err != nil {
			t.Error(err)
		}
	}
	enc, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// uint8 kept as is: the converted file is about as small as the source.
	if len(enc) > len(data) {
		t.Errorf("converted file of %d bytes, larger than the %d-byte source", len(enc), len(data))
	}
	t.Logf("%d bytes → %d bytes", len(data), len(enc))
}
