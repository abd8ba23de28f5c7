// Package torch converts PyTorch state dicts saved with torch.save into
// the weights format, for native tools only. It is apart from package
// convert because gopickle, which reads those files, is 0.9 MB of the
// WebAssembly engine if anything the engine links imports it.
package torch

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"

	"sentiment/weights"
)

// MaxBytes bounds the memory that Convert lets gopickle and itself
// allocate for one file's storages and tensors, so that no declared size
// can exhaust memory (DenseNet121 needs about 64 MB; a few GB would be
// a network no page could run).
var MaxBytes int64 = 1 << 30

// oldDenseNetKey matches the key names of torchvision's early DenseNet
// checkpoints ("…denselayer1.norm.1.weight"), which torchvision's own
// loader rewrites with this pattern to today's "…denselayer1.norm1.weight".
var oldDenseNetKey = regexp.MustCompile(`^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$`)

// Convert converts a PyTorch state dict saved with torch.save (the legacy
// format, like torchvision's densenet121-a639ec97.pth, or the zip format of
// PyTorch ≥ 1.6) to a File of the given backbone name, every floating-point
// tensor stored as float16. Keys keep their names, except that
// torchvision's old DenseNet names are rewritten as torchvision does
// ("norm.1" → "norm1"); the batch-norm counters num_batches_tracked, which
// no inference uses, are dropped. gopickle reads from a path, hence path.
func Convert(path, backbone string) (f *weights.File, err error) {
	defer func() {
		// gopickle panics on a few unsupported layouts (tar archives,
		// storage views) instead of returning an error.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("torch: %s: unsupported torch file (%v)", path, r)
		}
	}()
	// gopickle allocates every storage at the size the file declares
	// before reading it: check those sizes against the bytes present first.
	budget, err := checkTorchStorages(path)
	if err != nil {
		return nil, fmt.Errorf("torch: %s: %w", path, err)
	}
	obj, err := pytorch.Load(path)
	if err != nil {
		return nil, fmt.Errorf("torch: %s: not a readable torch.save file: %w", path, err)
	}
	entries, err := stateDict(obj)
	if err != nil {
		return nil, fmt.Errorf("torch: %s: %w", path, err)
	}
	var tensors []*weights.Tensor
	for _, e := range entries {
		key, ok := e.Key.(string)
		if !ok {
			return nil, fmt.Errorf("torch: %s: state dict key %v is not a string", path, e.Key)
		}
		if strings.HasSuffix(key, "num_batches_tracked") {
			continue
		}
		t, ok := e.Value.(*pytorch.Tensor)
		if !ok {
			return nil, fmt.Errorf("torch: %s: %s is a %T, not a tensor", path, key, e.Value)
		}
		data, err := torchFloat32(t, &budget)
		if err != nil {
			return nil, fmt.Errorf("torch: %s: %s: %w", path, key, err)
		}
		tensors = append(tensors, weights.NewFloat16(oldDenseNetKey.ReplaceAllString(key, "$1$2"), t.Size, data))
	}
	if len(tensors) == 0 {
		return nil, fmt.Errorf("torch: %s: the state dict holds no tensors", path)
	}
	return weights.NewFile(backbone, tensors)
}

// stateDict returns the entries of the state dict in obj: obj itself, or
// its "state_dict" entry as training checkpoints store it.
func stateDict(obj any) ([]types.DictEntry, error) {
	var entries []types.DictEntry
	switch d := obj.(type) {
	case *types.OrderedDict:
		for el := d.List.Front(); el != nil; el = el.Next() {
			e := el.Value.(*types.OrderedDictEntry)
			entries = append(entries, types.DictEntry{Key: e.Key, Value: e.Value})
		}
	case *types.Dict:
		entries = *d
	default:
		return nil, fmt.Errorf("holds a %T, not a state dict", obj)
	}
	for _, e := range entries {
		if e.Key == "state_dict" {
			return stateDict(e.Value)
		}
	}
	return entries, nil
}

// torchFloat32 returns a floating-point tensor's elements in row-major
// order, following its storage offset and strides. It refuses a tensor of
// more elements than its storage holds (a weight is never a broadcast) or
// than *budget, which it decreases, and does every size × stride product
// with overflow checks, so that a declared shape cannot allocate more than
// the file holds.
func torchFloat32(t *pytorch.Tensor, budget *int64) ([]float32, error) {
	var src []float32
	var wide []float64
	switch s := t.Source.(type) {
	case *pytorch.FloatStorage:
		src = s.Data
	case *pytorch.HalfStorage:
		src = s.Data
	case *pytorch.BFloat16Storage:
		src = s.Data
	case *pytorch.DoubleStorage:
		wide = s.Data
	default:
		return nil, fmt.Errorf("storage %T is not floating point", t.Source)
	}
	n := max(len(src), len(wide))
	if len(t.Size) == 0 || len(t.Size) != len(t.Stride) {
		return nil, fmt.Errorf("shape %v with strides %v: want a tensor of rank ≥ 1", t.Size, t.Stride)
	}
	// The element count may not exceed the storage, and the last element
	// reached must lie inside it.
	count, last := 1, t.StorageOffset
	if last < 0 || last >= n {
		return nil, fmt.Errorf("offset %d overruns a storage of %d", t.StorageOffset, n)
	}
	for i, d := range t.Size {
		s := t.Stride[i]
		if d < 1 || s < 0 {
			return nil, fmt.Errorf("shape %v with strides %v", t.Size, t.Stride)
		}
		if count > n/d {
			return nil, fmt.Errorf("shape %v declares more elements than its storage of %d holds", t.Size, n)
		}
		count *= d
		if s > 0 && d-1 > (n-1-last)/s {
			return nil, fmt.Errorf("shape %v, strides %v, offset %d overrun a storage of %d", t.Size, t.Stride, t.StorageOffset, n)
		}
		last += (d - 1) * s
	}
	if int64(count)*4 > *budget {
		return nil, fmt.Errorf("shape %v: %d elements exceed the loader's limit of %d bytes", t.Size, count, MaxBytes)
	}
	*budget -= int64(count) * 4
	out := make([]float32, count)
	idx := make([]int, len(t.Size))
	for k := range out {
		p := t.StorageOffset
		for i, j := range idx {
			p += j * t.Stride[i]
		}
		if src != nil {
			out[k] = src[p]
		} else {
			out[k] = float32(wide[p])
		}
		// Advance the row-major index, innermost dimension first.
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < t.Size[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out, nil
}
