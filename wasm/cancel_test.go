//go:build js && wasm

package main

import (
	"strings"
	"testing"

	"github.com/hack-pad/safejs"

	"sentiment/internal/tinynet"
	"sentiment/weights"
)

// tinyBridge returns a bridge with the test's tiny network loaded and a
// photo and reference set, ready to transfer.
func tinyBridge(t *testing.T) *bridge {
	t.Helper()
	b := &bridge{}
	f := tinynet.Weights()
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	man := weights.NewManifest("tiny.weights", f.Backbone, data).Marshal()
	jsBytes := func(p []byte) safejs.Value {
		v, err := bytesToJS(p)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	str := func(s string) safejs.Value { v, _ := safejs.ValueOf(s); return v }
	num := func(n int) safejs.Value { v, _ := safejs.ValueOf(n); return v }
	if _, err := b.loadBackbone([]safejs.Value{str(tinynet.Name), jsBytes(data), str(string(man))}); err != nil {
		t.Fatal(err)
	}
	const w, h = 64, 48
	pix := make([]byte, 4*w*h)
	for i := range w * h {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(i), byte(3*i), byte(i/w*4), 255
	}
	if _, err := b.setPhoto([]safejs.Value{jsBytes(pix), num(w), num(h)}); err != nil {
		t.Fatal(err)
	}
	for i := range w * h {
		pix[4*i] = 255 - pix[4*i]
	}
	if _, err := b.setReference([]safejs.Value{jsBytes(pix), num(w), num(h)}); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCancelWhateverReportReturns: a cancel sent as a message, as the
// worker's is, stops a run whatever the report callback returns (nothing,
// or a promise already resolved, which settles before any message is
// handled): the run yields to the event loop after every iteration. It
// used to run all its iterations before the message could be handled.
func TestCancelWhateverReportReturns(t *testing.T) {
	b := tinyBridge(t)
	global := safejs.Global()
	promise, err := global.Get("Promise")
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := promise.Call("resolve")
	if err != nil {
		t.Fatal(err)
	}
	for name, ret := range map[string]any{"nothing": nil, "a resolved promise": resolved} {
		t.Run(name, func(t *testing.T) {
			const iterations = 300
			opts, err := toJS(transferOptions{Backbone: tinynet.Name, Size: 48, Iterations: iterations})
			if err != nil {
				t.Fatal(err)
			}
			cancel, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
				b.cancel(nil)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			defer cancel.Release()
			reports := 0
			report, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
				reports++
				if reports == 1 {
					// The page's cancel, as a message in the queue.
					ctor, _ := global.Get("MessageChannel")
					ch, _ := ctor.New()
					port1, _ := ch.Get("port1")
					port2, _ := ch.Get("port2")
					port1.Set("onmessage", cancel.Value())
					port2.Call("postMessage", 0)
				}
				return ret
			})
			if err != nil {
				t.Fatal(err)
			}
			defer report.Release()
			p, err := b.transfer([]safejs.Value{opts.(safejs.Value), report.Value()})
			if err != nil {
				t.Fatal(err)
			}
			ok, msg := settled(t, p.(safejs.Value))
			if ok || !strings.Contains(msg, "cancel") || reports > 3 {
				t.Errorf("fulfilled %v (%q) after %d of %d iterations; want cancelled after the first", ok, msg, reports, iterations)
			}
		})
	}
}
