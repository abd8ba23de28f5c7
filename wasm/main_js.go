//go:build js && wasm

// Command wasm is the engine's bridge to JavaScript: it registers the object
// globalThis.sentimentEngine, whose methods translate between JavaScript
// values (typed arrays of RGBA bytes, plain objects) and the engine, and
// return an Error object instead of throwing. web/worker.js is its only
// user.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"

	"sentiment/imaging"
	"sentiment/transfer"
)

func main() {
	e := &engine{}
	var strip []byte // applyRows' buffer
	api := map[string]any{}
	for name, fn := range map[string]func([]safejs.Value) (any, error){
		"setPhoto": func(a []safejs.Value) (any, error) {
			pix, w, h, err := argImage(a, 0)
			if err != nil {
				return nil, err
			}
			return nil, e.setPhoto(pix, w, h)
		},
		"setReference": func(a []safejs.Value) (any, error) {
			pix, w, h, err := argImage(a, 0)
			if err != nil {
				return nil, err
			}
			return nil, e.setReference(pix, w, h)
		},
		"cancel": func([]safejs.Value) (any, error) {
			e.stop()
			return nil, nil
		},
		"loadIndex": func(a []safejs.Value) (any, error) {
			data, err := argBytes(a, 0)
			if err != nil {
				return nil, err
			}
			adjs, nouns, err := e.loadIndex(data)
			if err != nil {
				return nil, err
			}
			ja := make([]any, len(adjs))
			for i, x := range adjs {
				ja[i] = map[string]any{"name": x.name, "polarity": x.polarity, "count": x.count}
			}
			jn := make([]any, len(nouns))
			for i, x := range nouns {
				jn[i] = map[string]any{"name": x.name, "count": x.count}
			}
			return map[string]any{"adjectives": ja, "nouns": jn}, nil
		},
		"retrieve": func(a []safejs.Value) (any, error) {
			q, err := arg(a, 0)
			if err != nil {
				return nil, err
			}
			adj, noun, k := field(q, "adjective").str(), field(q, "noun").str(), field(q, "k").num()
			ms, err := e.retrieve(adj, noun, int(k))
			if err != nil {
				return nil, err
			}
			out := make([]any, len(ms))
			for i, m := range ms {
				out[i] = map[string]any{
					"picture": m.picture, "file": m.file, "adjective": m.adjective, "noun": m.noun,
					"polarity": m.polarity, "ssim": m.ssim, "author": m.author, "license": m.licence,
					"source": m.source, "description": m.description,
				}
			}
			return out, nil
		},
		"loadBackbone": func(a []safejs.Value) (any, error) {
			name, err := arg(a, 0)
			if err != nil {
				return nil, err
			}
			data, err := argBytes(a, 1)
			if err != nil {
				return nil, err
			}
			man, err := arg(a, 2)
			if err != nil {
				return nil, err
			}
			d, err := e.loadBackbone(field(name, "").str(), data, []byte(field(man, "").str()))
			if err != nil {
				return nil, err
			}
			return map[string]any{"size": d.size, "iterations": d.iterations}, nil
		},
		"transfer": func(a []safejs.Value) (any, error) {
			o, err := arg(a, 0)
			if err != nil {
				return nil, err
			}
			report, err := arg(a, 1)
			if err != nil || report.Type() != safejs.TypeFunction {
				return nil, fmt.Errorf("argument 2: not a function")
			}
			opt := options{
				backbone:     field(o, "backbone").str(),
				size:         int(field(o, "size").num()),
				iterations:   int(field(o, "iterations").num()),
				previewEvery: int(field(o, "previewEvery").num()),
			}
			return runTransfer(e, opt, report)
		},
		"apply": func(a []safejs.Value) (any, error) {
			pix, w, h, err := argImage(a, 0)
			if err != nil {
				return nil, err
			}
			s, err := arg(a, 3)
			if err != nil {
				return nil, err
			}
			if err := e.apply(pix, w, h, float32(field(s, "").num())); err != nil {
				return nil, err
			}
			return bytesToJS(pix)
		},
		"applyRows": func(a []safejs.Value) (any, error) {
			// (rgba, width, rows, y0, fullHeight, strength): the strip is
			// transformed where it lies, in the caller's array, through
			// one Go buffer kept from strip to strip.
			v, err := argArray(a, 0)
			if err != nil {
				return nil, err
			}
			var n [4]int
			for i := range n {
				if n[i], err = argInt(a, 1+i); err != nil {
					return nil, err
				}
			}
			s, err := arg(a, 5)
			if err != nil {
				return nil, err
			}
			if cap(strip) < v.n {
				strip = nil // let the old one go before taking a larger one
				strip = make([]byte, v.n)
			}
			pix := strip[:v.n]
			if _, err := safejs.CopyBytesToGo(pix, v.v); err != nil {
				return nil, fmt.Errorf("argument 1: %w", err)
			}
			if err := e.applyRows(pix, n[0], n[1], n[2], n[3], float32(field(s, "").num())); err != nil {
				return nil, err
			}
			_, err = safejs.CopyBytesToJS(v.v, pix)
			return nil, err
		},
		"lut": func(a []safejs.Value) (any, error) {
			s, err := arg(a, 0)
			if err != nil {
				return nil, err
			}
			return e.lut(float32(field(s, "").num()))
		},
	} {
		f, err := safejs.FuncOf(wrap(name, fn))
		if err != nil {
			panic(err) // only if the JavaScript runtime is broken
		}
		api[name] = f
	}
	// Go's size limits, so that the page checks a photo against the same
	// numbers instead of retyping them.
	api["constants"] = map[string]any{
		"minSide": transfer.MinSide, "maxSide": maxSide,
		"maxPixels": imaging.MaxPixels, "workingSize": imaging.WorkingSize,
	}
	if err := safejs.Global().Set("sentimentEngine", api); err != nil {
		panic(err)
	}
	select {} // serve calls until the worker ends
}

// wrap turns an error or a panic into a returned JavaScript Error, which
// worker.js rethrows with the message.
func wrap(name string, fn func([]safejs.Value) (any, error)) func(safejs.Value, []safejs.Value) any {
	return func(_ safejs.Value, args []safejs.Value) (out any) {
		defer func() {
			if r := recover(); r != nil {
				out = jsError(fmt.Errorf("%s: internal error: %v", name, r))
			}
		}()
		v, err := fn(args)
		if err != nil {
			return jsError(err)
		}
		return v
	}
}

func jsError(err error) any {
	ctor, e := safejs.Global().Get("Error")
	if e != nil {
		return err.Error()
	}
	v, e := ctor.New(err.Error())
	if e != nil {
		return err.Error()
	}
	return v
}

func arg(a []safejs.Value, i int) (safejs.Value, error) {
	if i >= len(a) {
		return safejs.Undefined(), fmt.Errorf("missing argument %d", i+1)
	}
	return a[i], nil
}

// argBytes copies a Uint8Array argument into Go memory.
func argBytes(a []safejs.Value, i int) ([]byte, error) {
	v, err := argArray(a, i)
	if err != nil {
		return nil, err
	}
	b := make([]byte, v.n)
	if _, err := safejs.CopyBytesToGo(b, v.v); err != nil {
		return nil, fmt.Errorf("argument %d: not a Uint8Array", i+1)
	}
	return b, nil
}

// byteArray is a byte array argument and its length.
type byteArray struct {
	v safejs.Value
	n int
}

// argArray returns argument i, a Uint8Array or Uint8ClampedArray (as
// ImageData holds), and its length, without copying it.
func argArray(a []safejs.Value, i int) (byteArray, error) {
	v, err := arg(a, i)
	if err != nil {
		return byteArray{}, err
	}
	n, err := v.Length()
	if err != nil || v.Type() != safejs.TypeObject {
		return byteArray{}, fmt.Errorf("argument %d: not a Uint8Array", i+1)
	}
	return byteArray{v, n}, nil
}

func argInt(a []safejs.Value, i int) (int, error) {
	v, err := arg(a, i)
	if err != nil {
		return 0, err
	}
	if v.Type() != safejs.TypeNumber {
		return 0, fmt.Errorf("argument %d: not a number", i+1)
	}
	return v.Int()
}

// argImage reads (rgba Uint8Array, width, height) starting at argument i.
func argImage(a []safejs.Value, i int) ([]byte, int, int, error) {
	pix, err := argBytes(a, i)
	if err != nil {
		return nil, 0, 0, err
	}
	w, err := argInt(a, i+1)
	if err != nil {
		return nil, 0, 0, err
	}
	h, err := argInt(a, i+2)
	if err != nil {
		return nil, 0, 0, err
	}
	return pix, w, h, nil
}

// bytesToJS returns a new Uint8Array holding b.
func bytesToJS(b []byte) (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Undefined(), err
	}
	v, err := ctor.New(len(b))
	if err != nil {
		return safejs.Undefined(), err
	}
	_, err = safejs.CopyBytesToJS(v, b)
	return v, err
}

// runTransfer starts the transfer in a goroutine and returns a Promise of
// its summary. After each iteration the goroutine waits for the promise
// that report returns: the worker's event loop turns meanwhile, so a cancel
// request reaches e.stop between two iterations.
func runTransfer(e *engine, opt options, report safejs.Value) (any, error) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.begin(cancel); err != nil {
		cancel()
		return nil, err
	}
	var resolve, reject safejs.Value
	executor, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		resolve, reject = args[0], args[1]
		return nil
	})
	if err != nil {
		e.end()
		return nil, err
	}
	defer executor.Release()
	promiseCtor, err := safejs.Global().Get("Promise")
	if err != nil {
		e.end()
		return nil, err
	}
	promise, err := promiseCtor.New(executor)
	if err != nil {
		e.end()
		return nil, err
	}
	go func() {
		defer e.end()
		defer cancel()
		sum, err := e.transfer(ctx, opt, func(p progress) {
			msg := map[string]any{"iteration": p.iteration, "total": p.total, "loss": lossJS(p.loss)}
			if p.preview != nil {
				if px, err := bytesToJS(toRGBA(p.preview)); err == nil {
					msg["preview"], msg["w"], msg["h"] = px, p.preview.W, p.preview.H
				}
			}
			if ret, err := report.Invoke(msg); err == nil {
				await(ret)
			}
		})
		if err != nil {
			jerr := jsError(err)
			if errors.Is(err, context.Canceled) {
				if v, ok := jerr.(safejs.Value); ok {
					v.Set("name", "Cancelled")
				}
			}
			reject.Invoke(jerr)
			return
		}
		resolve.Invoke(map[string]any{"iterations": sum.iterations, "loss": lossJS(sum.loss)})
	}()
	return promise, nil
}

func lossJS(l map[string]float64) map[string]any {
	out := make(map[string]any, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

// await blocks the calling goroutine until v, if it is a thenable,
// settles. Go hands control back to JavaScript while it waits.
func await(v safejs.Value) {
	then, err := v.Get("then")
	if err != nil || then.Type() != safejs.TypeFunction {
		return
	}
	done := make(chan struct{})
	settle, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		close(done)
		return nil
	})
	if err != nil {
		return
	}
	defer settle.Release()
	if _, err := v.Call("then", settle, settle); err != nil {
		return
	}
	<-done
}

// jsValue reads loosely typed fields of the page's option objects.
type jsValue struct{ v safejs.Value }

// field returns o[name], or o itself for name "".
func field(o safejs.Value, name string) jsValue {
	if name == "" {
		return jsValue{o}
	}
	v, err := o.Get(name)
	if err != nil {
		return jsValue{safejs.Undefined()}
	}
	return jsValue{v}
}

// str returns the string, or "" for anything else.
func (j jsValue) str() string {
	if j.v.Type() != safejs.TypeString {
		return ""
	}
	s, _ := j.v.String()
	return s
}

// num returns the number, or 0 for anything else (NaN included).
func (j jsValue) num() float64 {
	if j.v.Type() != safejs.TypeNumber || j.v.IsNaN() {
		return 0
	}
	f, _ := j.v.Float()
	return f
}
