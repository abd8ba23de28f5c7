//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hack-pad/safejs"
)

// This file translates between JavaScript values and Go ones.

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

// guarded runs fn, the body of a goroutine, and turns a panic in it into
// a rejection with an Error named after the call: the Go instance lives on
// and the page's promise settles.
func guarded(name string, reject func(any), fn func()) {
	defer func() {
		if r := recover(); r != nil {
			reject(jsError(fmt.Errorf("%s: internal error: %v", name, r)))
		}
	}()
	fn()
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

// byteArray is a byte array argument, not copied, and its length.
type byteArray struct {
	v safejs.Value
	n int
}

// scan decodes the arguments a into dst, one for one, by dst's types:
// *[]byte copies a Uint8Array (or Uint8ClampedArray, as ImageData holds),
// *[][]byte an array of them, *byteArray refers to one, *int, *float32 and *string take a number or a
// string, *safejs.Value a function, and any other pointer a plain object,
// decoded as JSON by its fields' tags.
func scan(a []safejs.Value, dst ...any) error {
	for i, d := range dst {
		if i >= len(a) {
			return fmt.Errorf("missing argument %d", i+1)
		}
		if err := decode(a[i], d); err != nil {
			return fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return nil
}

func decode(v safejs.Value, dst any) error {
	switch d := dst.(type) {
	case *byteArray:
		n, err := v.Length()
		if err != nil || v.Type() != safejs.TypeObject {
			return fmt.Errorf("not a Uint8Array")
		}
		*d = byteArray{v, n}
	case *[]byte:
		var ba byteArray
		if err := decode(v, &ba); err != nil {
			return err
		}
		*d = make([]byte, ba.n)
		if _, err := safejs.CopyBytesToGo(*d, v); err != nil {
			return fmt.Errorf("not a Uint8Array")
		}
	case *[][]byte:
		n, err := v.Length()
		if err != nil || v.Type() != safejs.TypeObject {
			return fmt.Errorf("not an array")
		}
		*d = make([][]byte, n)
		for i := range n {
			item, err := v.Index(i)
			if err == nil {
				err = decode(item, &(*d)[i])
			}
			if err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
	case *int:
		if v.Type() != safejs.TypeNumber {
			return fmt.Errorf("not a number")
		}
		n, err := v.Int()
		*d = n
		return err
	case *float32:
		if v.Type() != safejs.TypeNumber {
			return fmt.Errorf("not a number")
		}
		f, err := v.Float()
		*d = float32(f)
		return err
	case *string:
		if v.Type() != safejs.TypeString {
			return fmt.Errorf("not a string")
		}
		s, err := v.String()
		*d = s
		return err
	case *safejs.Value:
		if v.Type() != safejs.TypeFunction {
			return fmt.Errorf("not a function")
		}
		*d = v
	default:
		if v.Type() != safejs.TypeObject {
			return fmt.Errorf("not an object")
		}
		s, err := jsonCall("stringify", v)
		if err != nil {
			return err
		}
		text, err := s.String()
		if err != nil {
			return err
		}
		return json.Unmarshal([]byte(text), dst)
	}
	return nil
}

// toJS returns v as plain JavaScript data, through its JSON encoding.
func toJS(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonCall("parse", string(b))
}

// jsonCall calls JSON.stringify or JSON.parse.
func jsonCall(fn string, arg any) (safejs.Value, error) {
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return safejs.Undefined(), err
	}
	return j.Call(fn, arg)
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

// newPromise returns a new Promise and the functions that settle it.
func newPromise() (p safejs.Value, resolve, reject func(any), err error) {
	var res, rej safejs.Value
	executor, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		res, rej = args[0], args[1]
		return nil
	})
	if err != nil {
		return p, nil, nil, err
	}
	defer executor.Release() // the constructor calls it at once
	ctor, err := safejs.Global().Get("Promise")
	if err != nil {
		return p, nil, nil, err
	}
	if p, err = ctor.New(executor); err != nil {
		return p, nil, nil, err
	}
	resolve = func(v any) { res.Invoke(v) }
	reject = func(v any) { rej.Invoke(v) }
	return p, resolve, reject, nil
}

// await blocks the calling goroutine until v, if it is a thenable, settles
// or ctx is done, whichever comes first: a promise of the page's that
// never settles cannot hold a cancelled run. Go hands control back to
// JavaScript while it waits.
func await(ctx context.Context, v safejs.Value) {
	then, err := v.Get("then")
	if err != nil || then.Type() != safejs.TypeFunction {
		return
	}
	done := make(chan struct{})
	var settle safejs.Func
	settle, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		close(done)
		// Released here, not when await returns: after a cancel the
		// promise may still settle later and call it.
		settle.Release()
		return nil
	})
	if err != nil {
		return
	}
	if _, err := v.Call("then", settle, settle); err != nil {
		settle.Release()
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// turn returns a promise that settles once the JavaScript event loop has
// turned: in a message of its own (a MessageChannel's, which no timer
// clamps), after the messages already queued are handled; or, where there
// is no MessageChannel, in a timer. It returns undefined if neither can
// be made, and await then returns at once.
func turn() safejs.Value {
	p, resolve, _, err := newPromise()
	if err != nil {
		return safejs.Undefined()
	}
	var done safejs.Func
	var port safejs.Value // closed once it has had its message: an open one keeps node running
	done, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		resolve(nil)
		done.Release()
		if port.Type() == safejs.TypeObject {
			port.Call("close")
		}
		return nil
	})
	if err != nil {
		return safejs.Undefined()
	}
	if ctor, err := safejs.Global().Get("MessageChannel"); err == nil && ctor.Type() == safejs.TypeFunction {
		if ch, err := ctor.New(); err == nil {
			port1, err1 := ch.Get("port1")
			port2, err2 := ch.Get("port2")
			port = port1
			if err1 == nil && err2 == nil && port1.Set("onmessage", done.Value()) == nil {
				if _, err := port2.Call("postMessage", 0); err == nil {
					return p
				}
			}
		}
	}
	if _, err := safejs.Global().Call("setTimeout", done.Value(), 0); err == nil {
		return p
	}
	done.Release()
	return safejs.Undefined()
}
