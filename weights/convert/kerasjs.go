// Package convert turns published model files into the weights format at
// build time: Keras.js protobufs (KerasJS) and TensorFlow.js layers models
// (TFJS); its subpackage torch reads torch.save state dicts. It is for
// native tools and tests: the WebAssembly engine only parses converted
// files.
package convert

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"sentiment/weights"
)

// Field numbers of the Keras.js model protobuf (its model.proto): the
// top-level Model message and its repeated Weights messages.
const (
	kjsModelName    = 2 // string, such as "squeezenet_v1.1"
	kjsModelWeights = 6 // repeated Weights

	kjsWeightName  = 2 // string, such as "fire2/expand3x3/kernel:0"
	kjsWeightShape = 3 // repeated uint32 (packed or not)
	kjsWeightType  = 4 // string: "uint8" (quantized) or "float32"
	kjsWeightData  = 5 // bytes
	kjsWeightMin   = 6 // float, uint8 only
	kjsWeightMax   = 7 // float, uint8 only
)

// KerasJS converts a Keras.js model protobuf (such as the demos'
// squeezenet_v1.1.bin) to a File named after the model. Quantized tensors
// stay uint8 with their min/max, byte for byte. Names become dotted
// ("fire2/expand3x3/kernel:0" → "fire2.expand3x3.weight", "…/bias:0" →
// "….bias") and 4-D kernels are permuted from Keras's [h, w, in, out] to
// the format's [out, in, h, w].
func KerasJS(data []byte) (*weights.File, error) {
	var name string
	var tensors []*weights.Tensor
	err := eachField(data, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == kjsModelName && typ == protowire.BytesType:
			name = string(v)
		case num == kjsModelWeights && typ == protowire.BytesType:
			t, err := kerasTensor(v)
			if err != nil {
				return fmt.Errorf("weight %d: %w", len(tensors), err)
			}
			tensors = append(tensors, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("convert: Keras.js model: %w", err)
	}
	if name == "" || len(tensors) == 0 {
		return nil, fmt.Errorf("convert: Keras.js model: no model name or no weights (not a Keras.js model file?)")
	}
	return weights.NewFile(name, tensors)
}

// kerasTensor decodes one Weights message.
func kerasTensor(msg []byte) (*weights.Tensor, error) {
	var name, typ string
	var shape []int
	var raw []byte
	var lo, hi float32
	err := eachField(msg, func(num protowire.Number, wt protowire.Type, v []byte, x uint64) error {
		switch {
		case num == kjsWeightName && wt == protowire.BytesType:
			name = string(v)
		case num == kjsWeightType && wt == protowire.BytesType:
			typ = string(v)
		case num == kjsWeightData && wt == protowire.BytesType:
			raw = v
		case num == kjsWeightMin && wt == protowire.Fixed32Type:
			lo = math.Float32frombits(uint32(x))
		case num == kjsWeightMax && wt == protowire.Fixed32Type:
			hi = math.Float32frombits(uint32(x))
		case num == kjsWeightShape && wt == protowire.VarintType:
			shape = append(shape, int(min(x, math.MaxInt32)))
		case num == kjsWeightShape && wt == protowire.BytesType: // packed
			for len(v) > 0 {
				d, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return protowire.ParseError(n)
				}
				shape = append(shape, int(min(d, math.MaxInt32)))
				v = v[n:]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := &weights.Tensor{Name: kerasName(name), Shape: shape, Min: lo, Max: hi, Data: raw}
	switch typ {
	case "uint8":
		t.Storage = weights.Uint8
	case "float32", "": // little-endian, as the format's
		t.Storage = weights.Float32
	default:
		return nil, fmt.Errorf("%s: unsupported type %q", name, typ)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if len(shape) == 4 {
		permuteHWIOtoOIHW(t)
	}
	return t, nil
}

// kerasName maps a Keras variable name to the format's dotted one.
func kerasName(s string) string {
	s = strings.TrimSuffix(s, ":0")
	if strings.HasSuffix(s, "/kernel") {
		s = strings.TrimSuffix(s, "/kernel") + "/weight"
	}
	return strings.ReplaceAll(s, "/", ".")
}

// permuteHWIOtoOIHW reorders a [h, w, in, out] kernel to [out, in, h, w],
// whatever its storage (elements are moved as bytes).
func permuteHWIOtoOIHW(t *weights.Tensor) {
	kh, kw, ci, co := t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
	es := t.Storage.Size()
	out := make([]byte, len(t.Data))
	for y := 0; y < kh; y++ {
		for x := 0; x < kw; x++ {
			for i := 0; i < ci; i++ {
				for o := 0; o < co; o++ {
					src := (((y*kw+x)*ci+i)*co + o) * es
					dst := (((o*ci+i)*kh+y)*kw + x) * es
					copy(out[dst:dst+es], t.Data[src:src+es])
				}
			}
		}
	}
	t.Data, t.Shape = out, []int{co, ci, kh, kw}
}

// eachField walks a protobuf message's fields, calling f with each one's
// number, wire type, and its bytes (length-delimited) or scalar value.
func eachField(b []byte, f func(protowire.Number, protowire.Type, []byte, uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var u uint32
			u, n = protowire.ConsumeFixed32(b)
			x = uint64(u)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		if err := f(num, typ, v, x); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
