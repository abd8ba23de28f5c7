// Package weights reads and writes the project's compact weights format: one
// file of named constant tensors for one network, versioned, stored as uint8
// with a min/max range, float16 or float32, and checked against the sha256
// of a small JSON manifest before it is used. FORMAT.md describes it byte by
// byte.
//
// The converters of package convert turn the published model files into
// this format at build time; the browser only ever parses it.
package weights

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// Magic opens every weights file.
const Magic = "SNTWGHTS"

// Version is the format version this package reads and writes.
const Version = 1

// MaxFileBytes is the most the commands read of a file of weights in any
// format (this one, Keras.js, torch): DenseNet121, the largest network,
// is 32 MB in float32, and a network many times that could not run in a
// page. A longer file is refused by its size before it is read.
const MaxFileBytes = 256 << 20

// Limits of the format (FORMAT.md).
const (
	maxTensors = 65535
	maxNameLen = 1024
	maxRank    = 8
)

// ErrFormat is returned (wrapped) for any file that is not a well-formed
// weights file: bad magic, unknown version, truncation, inconsistent lengths.
var ErrFormat = errors.New("weights: malformed file")

// Storage is how a tensor's elements are stored.
type Storage uint8

// The storages.
const (
	Uint8   Storage = 1 // one byte each, dequantized with the tensor's Min and Max
	Float16 Storage = 2 // IEEE 754 binary16
	Float32 Storage = 3 // IEEE 754 binary32
)

// Size returns the bytes per element, or 0 for an unknown storage.
func (s Storage) Size() int {
	switch s {
	case Uint8:
		return 1
	case Float16:
		return 2
	case Float32:
		return 4
	}
	return 0
}

// String names the storage.
func (s Storage) String() string {
	switch s {
	case Uint8:
		return "uint8"
	case Float16:
		return "float16"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("storage(%d)", uint8(s))
}

// Tensor is one named constant.
type Tensor struct {
	Name    string
	Shape   []int
	Storage Storage
	// Min and Max are the range of a Uint8 tensor: byte 0 is Min, 255 Max.
	Min, Max float32
	// Data holds the elements in row-major order, little-endian, Storage.Size
	// bytes each. A parsed tensor's Data aliases the parsed bytes.
	Data []byte
}

// Len returns the number of elements, the product of the shape.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float32 returns the elements as float32, dequantizing or widening them.
func (t *Tensor) Float32() []float32 {
	out := make([]float32, len(t.Data)/max(t.Storage.Size(), 1))
	switch t.Storage {
	case Uint8:
		// Computed in float64 so that 0 and 255 give Min and Max exactly.
		scale := (float64(t.Max) - float64(t.Min)) / 255
		for i, q := range t.Data {
			out[i] = float32(float64(q)*scale + float64(t.Min))
		}
	case Float16:
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(t.Data[2*i:]))
		}
	case Float32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
	}
	return out
}

// NewFloat32 returns a float32 tensor holding a copy of data.
func NewFloat32(name string, shape []int, data []float32) *Tensor {
	t := &Tensor{Name: name, Shape: append([]int(nil), shape...), Storage: Float32, Data: make([]byte, 4*len(data))}
	for i, v := range data {
		binary.LittleEndian.PutUint32(t.Data[4*i:], math.Float32bits(v))
	}
	return t
}

// NewFloat16 returns a float16 tensor of data, each value rounded to the
// nearest binary16, ties to even (values beyond ±65504 become infinite).
func NewFloat16(name string, shape []int, data []float32) *Tensor {
	t := &Tensor{Name: name, Shape: append([]int(nil), shape...), Storage: Float16, Data: make([]byte, 2*len(data))}
	for i, v := range data {
		binary.LittleEndian.PutUint16(t.Data[2*i:], float32ToHalf(v))
	}
	return t
}

// NewUint8 returns a quantized tensor holding a copy of q.
func NewUint8(name string, shape []int, q []byte, min, max float32) *Tensor {
	return &Tensor{Name: name, Shape: append([]int(nil), shape...), Storage: Uint8, Min: min, Max: max, Data: append([]byte(nil), q...)}
}

// Validate checks t against the format's rules: a name, a known storage, a
// shape whose elements fit in int32, and data of exactly that many elements.
func (t *Tensor) Validate() error {
	if t.Name == "" || len(t.Name) > maxNameLen || !utf8.ValidString(t.Name) {
		return fmt.Errorf("tensor name %q: want 1 to %d bytes of UTF-8", t.Name, maxNameLen)
	}
	if t.Storage.Size() == 0 {
		return fmt.Errorf("tensor %s: unknown storage %d", t.Name, uint8(t.Storage))
	}
	if len(t.Shape) == 0 || len(t.Shape) > maxRank {
		return fmt.Errorf("tensor %s: rank %d, want 1 to %d", t.Name, len(t.Shape), maxRank)
	}
	n := 1
	for _, d := range t.Shape {
		if d < 1 || uint64(d) > math.MaxUint32 || n > math.MaxInt32/d {
			return fmt.Errorf("tensor %s: bad shape %v", t.Name, t.Shape)
		}
		n *= d
	}
	if len(t.Data) != n*t.Storage.Size() {
		return fmt.Errorf("tensor %s: %d bytes of data for shape %v of %s", t.Name, len(t.Data), t.Shape, t.Storage)
	}
	if t.Storage == Uint8 && !(isFinite(t.Min) && isFinite(t.Max) && t.Min <= t.Max) {
		return fmt.Errorf("tensor %s: bad quantization range [%g, %g]", t.Name, t.Min, t.Max)
	}
	return nil
}

func isFinite(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// File is a parsed weights file: a backbone name and its tensors in file
// order.
type File struct {
	Backbone string
	Tensors  []*Tensor
	byName   map[string]*Tensor
}

// NewFile returns a file of the given tensors, refusing invalid or
// duplicate ones.
func NewFile(backbone string, tensors []*Tensor) (*File, error) {
	if backbone == "" || len(backbone) > 255 || !utf8.ValidString(backbone) {
		return nil, fmt.Errorf("weights: backbone name %q: want 1 to 255 bytes of UTF-8", backbone)
	}
	if len(tensors) > maxTensors {
		return nil, fmt.Errorf("weights: %d tensors, at most %d", len(tensors), maxTensors)
	}
	f := &File{Backbone: backbone, Tensors: tensors, byName: make(map[string]*Tensor, len(tensors))}
	for _, t := range tensors {
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("weights: %w", err)
		}
		if f.byName[t.Name] != nil {
			return nil, fmt.Errorf("weights: tensor %s appears twice", t.Name)
		}
		f.byName[t.Name] = t
	}
	return f, nil
}

// Names of the optional tensors that record how a network computes, where
// its origins differ, rather than what it learned. Each is float32; a
// network uses its original's value where the file has none (FORMAT.md).
const (
	ConfigBatchNormEps = "config.batchnorm_eps" // [1]: the epsilon of every batch norm
	ConfigInputMean    = "config.input_mean"    // [3]: per RGB channel, subtracted from input in [0, 1]
	ConfigInputStd     = "config.input_std"     // [3]: per RGB channel, then divided by
)

// Lookup returns the tensor called name, or nil if the file has none.
func (f *File) Lookup(name string) *Tensor { return f.byName[name] }

// Tensor returns the tensor called name after checking that its shape is
// shape, so that a network gets a clear error for a wrong or foreign file.
func (f *File) Tensor(name string, shape ...int) (*Tensor, error) {
	t := f.byName[name]
	if t == nil {
		return nil, fmt.Errorf("weights: %s file has no tensor %s", f.Backbone, name)
	}
	if !equalShape(t.Shape, shape) {
		return nil, fmt.Errorf("weights: tensor %s has shape %v, want %v", name, t.Shape, shape)
	}
	return t, nil
}

// Float32 is Tensor followed by Tensor.Float32.
func (f *File) Float32(name string, shape ...int) ([]float32, error) {
	t, err := f.Tensor(name, shape...)
	if err != nil {
		return nil, err
	}
	return t.Float32(), nil
}

// Params returns the total number of elements of all tensors.
func (f *File) Params() int {
	n := 0
	for _, t := range f.Tensors {
		n += t.Len()
	}
	return n
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Encode returns the file in the weights format.
func (f *File) Encode() ([]byte, error) {
	g, err := NewFile(f.Backbone, f.Tensors) // validates
	if err != nil {
		return nil, err
	}
	size := len(Magic) + 2 + 1 + len(g.Backbone) + 4
	for _, t := range g.Tensors {
		size += 2 + len(t.Name) + 2 + 4*len(t.Shape) + len(t.Data)
		if t.Storage == Uint8 {
			size += 8
		}
	}
	b := make([]byte, 0, size)
	le := binary.LittleEndian
	b = append(b, Magic...)
	b = le.AppendUint16(b, Version)
	b = append(b, byte(len(g.Backbone)))
	b = append(b, g.Backbone...)
	b = le.AppendUint32(b, uint32(len(g.Tensors)))
	for _, t := range g.Tensors {
		b = le.AppendUint16(b, uint16(len(t.Name)))
		b = append(b, t.Name...)
		b = append(b, byte(t.Storage), byte(len(t.Shape)))
		for _, d := range t.Shape {
			b = le.AppendUint32(b, uint32(d))
		}
		if t.Storage == Uint8 {
			b = le.AppendUint32(b, math.Float32bits(t.Min))
			b = le.AppendUint32(b, math.Float32bits(t.Max))
		}
		b = append(b, t.Data...)
	}
	return b, nil
}

// Parse reads a weights file without a manifest check (Load adds it). The
// tensors' Data alias data. Any malformed input gives an error wrapping
// ErrFormat.
func Parse(data []byte) (*File, error) {
	r := reader{b: data}
	if string(r.bytes(len(Magic))) != Magic {
		return nil, fmt.Errorf("%w: not a weights file (no %q magic)", ErrFormat, Magic)
	}
	if v := r.u16(); r.err == nil && v != Version {
		return nil, fmt.Errorf("%w: format version %d, this reader knows version %d", ErrFormat, v, Version)
	}
	backbone := string(r.bytes(int(r.u8())))
	count := int(r.u32())
	if r.err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, r.err)
	}
	if count > maxTensors {
		return nil, fmt.Errorf("%w: %d tensors, at most %d", ErrFormat, count, maxTensors)
	}
	tensors := make([]*Tensor, 0, min(count, len(data)/8))
	for i := 0; i < count; i++ {
		t := &Tensor{Name: string(r.bytes(int(r.u16())))}
		t.Storage = Storage(r.u8())
		rank := int(r.u8())
		if r.err == nil && (rank == 0 || rank > maxRank) {
			return nil, fmt.Errorf("%w: tensor %d (%q): rank %d", ErrFormat, i, t.Name, rank)
		}
		n := 1
		for j := 0; j < rank && r.err == nil; j++ {
			d := int(r.u32())
			// Refuse before allocating: the data must fit in what is left.
			if d == 0 || n > len(data)/d {
				return nil, fmt.Errorf("%w: tensor %d (%q): dimension %d does not fit the file", ErrFormat, i, t.Name, d)
			}
			t.Shape = append(t.Shape, d)
			n *= d
		}
		if t.Storage == Uint8 {
			t.Min = math.Float32frombits(r.u32())
			t.Max = math.Float32frombits(r.u32())
		}
		size := t.Storage.Size()
		if r.err == nil && size == 0 {
			return nil, fmt.Errorf("%w: tensor %d (%q): unknown storage %d", ErrFormat, i, t.Name, uint8(t.Storage))
		}
		if r.err == nil && n > len(data)/size {
			return nil, fmt.Errorf("%w: tensor %d (%q): %d elements do not fit the file", ErrFormat, i, t.Name, n)
		}
		t.Data = r.bytes(n * size)
		if r.err != nil {
			return nil, fmt.Errorf("%w: tensor %d (%q): %v", ErrFormat, i, t.Name, r.err)
		}
		tensors = append(tensors, t)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last tensor", ErrFormat, len(r.b))
	}
	f, err := NewFile(backbone, tensors)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return f, nil
}

// reader consumes a byte slice; after the first short read it returns zero
// values and keeps the error, so Parse checks once per record.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = fmt.Errorf("truncated: %d bytes wanted at offset %d, %d left", n, r.off, len(r.b))
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	r.off += n
	return p
}

func (r *reader) u8() uint8 {
	if p := r.bytes(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if p := r.bytes(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if p := r.bytes(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}
