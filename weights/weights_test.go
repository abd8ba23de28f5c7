package weights

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// sample returns a small file using every storage.
func sample(t testing.TB) *File {
	t.Helper()
	f, err := NewFile("tiny", []*Tensor{
		NewUint8("conv.weight", []int{2, 1, 1, 3}, []byte{0, 1, 127, 128, 254, 255}, -1, 3),
		NewFloat16("conv.bias", []int{2}, []float32{0.5, -1e-5}),
		NewFloat32("fc.weight", []int{1, 2}, []float32{float32(math.Pi), -0}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRoundTrip(t *testing.T) {
	f := sample(t)
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if g.Backbone != "tiny" || len(g.Tensors) != 3 {
		t.Fatalf("parsed %q with %d tensors", g.Backbone, len(g.Tensors))
	}
	for i, want := range f.Tensors {
		got := g.Tensors[i]
		if got.Name != want.Name || !equalShape(got.Shape, want.Shape) || got.Storage != want.Storage ||
			got.Min != want.Min || got.Max != want.Max || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("tensor %d: got %+v, want %+v", i, got, want)
		}
	}
	again, err := g.Encode()
	if err != nil || !bytes.Equal(again, data) {
		t.Fatalf("re-encoding differs (%v)", err)
	}
	if g.Params() != 6+2+2 {
		t.Errorf("Params = %d", g.Params())
	}
}

func TestFloat32Decoding(t *testing.T) {
	f := sample(t)
	q, err := f.Float32("conv.weight", 2, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	// real = q·(max−min)/255 + min with min −1, max 3.
	for i, b := range []float64{0, 1, 127, 128, 254, 255} {
		want := b*4/255 - 1
		if math.Abs(float64(q[i])-want) > 1e-6 {
			t.Errorf("uint8 %v → %v, want %v", b, q[i], want)
		}
	}
	if q[0] != -1 || q[5] != 3 {
		t.Errorf("the ends of the range are not exact: %v, %v", q[0], q[5])
	}
	h, _ := f.Float32("conv.bias", 2)
	if h[0] != 0.5 || math.Abs(float64(h[1])+1e-5) > 3e-8 {
		t.Errorf("float16 decoded to %v", h)
	}
	w, _ := f.Float32("fc.weight", 1, 2)
	if w[0] != float32(math.Pi) || w[1] != 0 {
		t.Errorf("float32 decoded to %v", w)
	}
}

func TestTensorLookupErrors(t *testing.T) {
	f := sample(t)
	if _, err := f.Tensor("missing", 1); err == nil || !strings.Contains(err.Error(), "no tensor missing") {
		t.Errorf("missing tensor: %v", err)
	}
	if _, err := f.Tensor("conv.bias", 3); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("wrong shape: %v", err)
	}
}

func TestNewFileRefuses(t *testing.T) {
	ok := NewFloat32("a", []int{1}, []float32{1})
	bad := []struct {
		name     string
		backbone string
		tensors  []*Tensor
	}{
		{"no backbone", "", []*Tensor{ok}},
		{"duplicate", "x", []*Tensor{ok, NewFloat32("a", []int{1}, []float32{2})}},
		{"empty name", "x", []*Tensor{NewFloat32("", []int{1}, []float32{1})}},
		{"rank 0", "x", []*Tensor{NewFloat32("b", nil, []float32{1})}},
		{"zero dim", "x", []*Tensor{NewFloat32("b", []int{0}, nil)}},
		{"data mismatch", "x", []*Tensor{NewFloat32("b", []int{2}, []float32{1})}},
		{"bad range", "x", []*Tensor{NewUint8("b", []int{1}, []byte{1}, 2, 1)}},
		{"NaN range", "x", []*Tensor{NewUint8("b", []int{1}, []byte{1}, float32(math.NaN()), 1)}},
		{"bad storage", "x", []*Tensor{{Name: "b", Shape: []int{1}, Storage: 9, Data: []byte{1}}}},
	}
	for _, c := range bad {
		if _, err := NewFile(c.backbone, c.tensors); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	data, err := sample(t).Encode()
	if err != nil {
		t.Fatal(err)
	}
	// Every proper prefix is truncated.
	for n := 0; n < len(data); n++ {
		if _, err := Parse(data[:n]); !errors.Is(err, ErrFormat) {
			t.Fatalf("prefix of %d bytes: err = %v", n, err)
		}
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), data...)) }
	cases := map[string][]byte{
		"magic":    mutate(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version":  mutate(func(b []byte) []byte { b[8] = 2; return b }),
		"trailing": mutate(func(b []byte) []byte { return append(b, 0) }),
		"count":    mutate(func(b []byte) []byte { b[15] = 200; return b }),
		"storage":  mutate(func(b []byte) []byte { b[21+len("conv.weight")] = 7; return b }),
		"rank":     mutate(func(b []byte) []byte { b[22+len("conv.weight")] = 0; return b }),
		"huge dim": mutate(func(b []byte) []byte { b[26+len("conv.weight")] = 0xff; return b }),
	}
	for name, b := range cases {
		if _, err := Parse(b); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := Parse(cases["version"]); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version error does not say which: %v", err)
	}
}

func TestLoadChecksManifest(t *testing.T) {
	data, err := sample(t).Encode()
	if err != nil {
		t.Fatal(err)
	}
	m := NewManifest("tiny.weights", "tiny", data)
	m2, err := ParseManifest(m.Marshal())
	if err != nil || m2 != m {
		t.Fatalf("manifest round trip: %+v, %v", m2, err)
	}
	if f, err := Load(data, m); err != nil || f.Backbone != "tiny" {
		t.Fatalf("Load: %v", err)
	}
	// A tampered byte in the data of a tensor parses fine but must be refused.
	tampered := append([]byte(nil), data...)
	tampered[len(tampered)-1] ^= 1
	if _, err := Parse(tampered); err != nil {
		t.Fatalf("the tampered file should be well-formed for this test: %v", err)
	}
	if _, err := Load(tampered, m); !errors.Is(err, ErrIntegrity) || !strings.Contains(err.Error(), "tampered") {
		t.Errorf("tampered: err = %v", err)
	}
	if _, err := Load(data[:len(data)-3], m); !errors.Is(err, ErrIntegrity) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated: err = %v", err)
	}
	other := m
	other.Backbone = "densenet121"
	if _, err := Load(data, other); !errors.Is(err, ErrIntegrity) {
		t.Errorf("wrong backbone: err = %v", err)
	}
}

func TestParseManifestRefuses(t *testing.T) {
	for _, s := range []string{
		``,
		`{"format":"other","version":1,"backbone":"x","size":1,"sha256":"` + strings.Repeat("0", 64) + `"}`,
		`{"format":"sentiment-weights","version":2,"backbone":"x","size":1,"sha256":"` + strings.Repeat("0", 64) + `"}`,
		`{"format":"sentiment-weights","version":1,"backbone":"x","size":1,"sha256":"abc"}`,
		`{"format":"sentiment-weights","version":1,"backbone":"x","size":0,"sha256":"` + strings.Repeat("0", 64) + `"}`,
	} {
		if _, err := ParseManifest([]byte(s)); err == nil {
			t.Errorf("accepted %s", s)
		}
	}
}

// FuzzParse feeds arbitrary bytes to the parser: it must never panic, and
// whatever it accepts must re-encode to the same bytes (the format has one
// encoding per file).
func FuzzParse(f *testing.F) {
	data, err := sample(f).Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error not wrapping ErrFormat: %v", err)
			}
			return
		}
		out, err := g.Encode()
		if err != nil {
			t.Fatalf("parsed file does not encode: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("re-encoding differs")
		}
		for _, tt := range g.Tensors {
			if len(tt.Float32()) != tt.Len() {
				t.Fatalf("tensor %s decodes to the wrong length", tt.Name)
			}
		}
	})
}
