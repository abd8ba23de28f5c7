//go:build js && wasm

// Command wasm is the engine's bridge to JavaScript: it registers the object
// globalThis.sentimentEngine, whose methods translate between JavaScript
// values (typed arrays of RGBA bytes, plain objects) and the engine, and
// return an Error object instead of throwing. web/worker.js is its only
// user.
package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

func main() {
	e := &engine{}
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
	} {
		f, err := safejs.FuncOf(wrap(name, fn))
		if err != nil {
			panic(err) // only if the JavaScript runtime is broken
		}
		api[name] = f
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
	v, err := arg(a, i)
	if err != nil {
		return nil, err
	}
	n, err := v.Length()
	if err != nil {
		return nil, fmt.Errorf("argument %d: not a Uint8Array", i+1)
	}
	b := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(b, v); err != nil {
		return nil, fmt.Errorf("argument %d: not a Uint8Array", i+1)
	}
	return b, nil
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
