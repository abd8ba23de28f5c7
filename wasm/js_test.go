//go:build js && wasm

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/safejs"

	"sentiment/engine"
)

// settled waits for p to settle and returns whether it was fulfilled and
// with what (a rejection's message).
func settled(t *testing.T, p safejs.Value) (bool, string) {
	t.Helper()
	type result struct {
		ok  bool
		msg string
	}
	ch := make(chan result, 1)
	fn := func(ok bool) safejs.Func {
		f, err := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
			msg := ""
			if len(a) > 0 && a[0].Type() == safejs.TypeObject {
				if m, err := a[0].Get("message"); err == nil {
					msg, _ = m.String()
				}
			}
			ch <- result{ok, msg}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, err := p.Call("then", fn(true), fn(false)); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-ch:
		return r.ok, r.msg
	case <-time.After(10 * time.Second):
		t.Fatal("the promise never settled")
	}
	return false, ""
}

// TestGuardedRejects: a panic in a bridge goroutine rejects its promise
// with an Error naming the call, and the Go instance lives on.
func TestGuardedRejects(t *testing.T) {
	p, _, reject, err := newPromise()
	if err != nil {
		t.Fatal(err)
	}
	go guarded("transfer", reject, func() {
		var m map[string]int
		m["boom"]++ // a nil map: a runtime panic
	})
	ok, msg := settled(t, p)
	if ok || !strings.Contains(msg, "transfer: internal error") {
		t.Errorf("fulfilled %v, %q", ok, msg)
	}
}

// TestAwaitHonoursCancel: a report promise that never settles holds the
// run only until it is cancelled.
func TestAwaitHonoursCancel(t *testing.T) {
	ctor, err := safejs.Global().Get("Promise")
	if err != nil {
		t.Fatal(err)
	}
	never, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	if err != nil {
		t.Fatal(err)
	}
	p, err := ctor.New(never)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		await(ctx, p)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("await returned before the promise settled or the run was cancelled")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled await still waits")
	}
}

// TestBridgeCalls: arguments are decoded by their Go types and refused
// with the argument's number; a transfer's promise rejects when the
// session cannot run, and a new one may start after it.
func TestBridgeCalls(t *testing.T) {
	b := &bridge{}
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		t.Fatal(err)
	}
	pix, err := u8.New(4 * 2 * 3)
	if err != nil {
		t.Fatal(err)
	}
	num := func(v int) safejs.Value { x, _ := safejs.ValueOf(v); return x }
	if _, err := b.setPhoto([]safejs.Value{pix, num(2), num(3)}); err != nil {
		t.Errorf("setPhoto 2×3: %v", err)
	}
	str, _ := safejs.ValueOf("3")
	for _, c := range []struct {
		args []safejs.Value
		want string
	}{
		{[]safejs.Value{pix, num(2)}, "missing argument 3"},
		{[]safejs.Value{pix, num(2), str}, "argument 3: not a number"},
		{[]safejs.Value{num(1), num(2), num(3)}, "argument 1: not a Uint8Array"},
		{[]safejs.Value{pix, num(3), num(3)}, "needs 36 RGBA bytes, got 24"},
	} {
		if _, err := b.setPhoto(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("setPhoto: %v, want %q", err, c.want)
		}
	}
	opts, err := toJS(transferOptions{Backbone: "squeezenet_v1.1", Size: 64, Iterations: 2})
	if err != nil {
		t.Fatal(err)
	}
	report, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		p, err := b.transfer([]safejs.Value{opts.(safejs.Value), report.Value()})
		if err != nil {
			t.Fatalf("transfer %d: %v", i, err)
		}
		if ok, msg := settled(t, p.(safejs.Value)); ok || !strings.Contains(msg, "no reference") {
			t.Errorf("transfer %d without a reference: fulfilled %v, %q", i, ok, msg)
		}
	}
	c, err := toJS(engine.Constants())
	if err != nil {
		t.Fatal(err)
	}
	if ws, err := c.(safejs.Value).Get("workingSize"); err != nil || ws.Type() != safejs.TypeNumber {
		t.Errorf("constants.workingSize: %v", err)
	}
}

// TestBridgeOwn: a reference of the user's own goes through the bridge as
// the worker sends it (RGBA and a tags object), comes back as a one-entry
// index in a Uint8Array, and an array of those joins the collection.
func TestBridgeOwn(t *testing.T) {
	b := &bridge{}
	w, h := 64, 48
	buf := make([]byte, 4*w*h)
	for i := range w * h {
		buf[4*i], buf[4*i+1], buf[4*i+2], buf[4*i+3] = byte(i%w*4), byte(i/w*5), byte((i%7)*30), 255
	}
	pix, err := bytesToJS(buf)
	if err != nil {
		t.Fatal(err)
	}
	num := func(v int) safejs.Value { x, _ := safejs.ValueOf(v); return x }
	tags, err := toJS(map[string]string{"file": "mine.png", "adjective": "Dreamy", "picture": "mine.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.describe([]safejs.Value{pix, num(w), num(h), tags.(safejs.Value)})
	if err != nil {
		t.Fatal(err)
	}
	one, err := r.(safejs.Value).Get("index")
	if err != nil {
		t.Fatal(err)
	}
	adj, _ := r.(safejs.Value).Get("entry")
	adj, _ = adj.Get("adjective")
	if s, _ := adj.String(); s != "dreamy" {
		t.Errorf("entry's adjective %q", s)
	}
	arr, err := safejs.Global().Get("Array")
	if err != nil {
		t.Fatal(err)
	}
	list, err := arr.New()
	if err != nil {
		t.Fatal(err)
	}
	list.Call("push", one)
	v, err := b.setOwn([]safejs.Value{list})
	if err != nil {
		t.Fatal(err)
	}
	j, err := jsonCall("stringify", v.(safejs.Value))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := j.String(); !strings.Contains(s, `"name":"dreamy","polarity":"neutral","count":1,"own":1`) || !strings.Contains(s, `"stale":[]`) {
		t.Errorf("setOwn gave %s", s)
	}
	list.Call("push", num(3))
	if _, err := b.setOwn([]safejs.Value{list}); err == nil || !strings.Contains(err.Error(), "argument 1: item 1: not a Uint8Array") {
		t.Errorf("an array holding a number: %v", err)
	}
}
