//go:build js && wasm

// Command wasm is the engine's bridge to JavaScript: it registers the object
// globalThis.sentimentEngine, whose methods decode JavaScript arguments,
// call an engine.Session and encode what it returns, giving back an Error
// object instead of throwing. Besides the methods, sentimentEngine.constants
// holds the engine's sizes and the strength's colour lead (engine.Constants). web/worker.js is its only
// user.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"

	"sentiment/engine"
	"sentiment/retrieval"
)

// bridge is the state behind the JavaScript methods.
type bridge struct {
	s     engine.Session
	strip []byte      // applyRows' buffer, kept from strip to strip
	zip   *engine.Zip // the zip zipAdd writes to
}

// calls are the bridge's methods by their JavaScript names.
var calls = map[string]func(*bridge, []safejs.Value) (any, error){
	"setPhoto":     (*bridge).setPhoto,
	"setReference": (*bridge).setReference,
	"cancel":       (*bridge).cancel,
	"loadIndex":    (*bridge).loadIndex,
	"retrieve":     (*bridge).retrieve,
	"loadBackbone": (*bridge).loadBackbone,
	"transfer":     (*bridge).transfer,
	"apply":        (*bridge).apply,
	"applyRows":    (*bridge).applyRows,
	"lut":          (*bridge).lut,
	"subject":      (*bridge).subject,
	"describe":     (*bridge).describe,
	"setOwn":       (*bridge).setOwn,
	"exportOwn":    (*bridge).exportOwn,
	"importOwn":    (*bridge).importOwn,
	"zipOpen":      (*bridge).zipOpen,
	"zipAdd":       (*bridge).zipAdd,
	"zipClose":     (*bridge).zipClose,
}

func main() {
	b := &bridge{}
	constants := map[string]any{}
	for k, v := range engine.Constants() {
		constants[k] = v
	}
	api := map[string]any{"constants": constants}
	for name, fn := range calls {
		f, err := safejs.FuncOf(wrap(name, func(a []safejs.Value) (any, error) { return fn(b, a) }))
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

// setPhoto(rgba, width, height) sets the working-size photo.
func (b *bridge) setPhoto(a []safejs.Value) (any, error) { return nil, setImage(a, b.s.SetPhoto) }

// setReference(rgba, width, height) sets the reference.
func (b *bridge) setReference(a []safejs.Value) (any, error) {
	return nil, setImage(a, b.s.SetReference)
}

// setImage decodes (rgba, width, height) and hands them to set.
func setImage(a []safejs.Value, set func(pix []byte, w, h int) error) error {
	var pix []byte
	var w, h int
	if err := scan(a, &pix, &w, &h); err != nil {
		return err
	}
	return set(pix, w, h)
}

// cancel() stops the running transfer between two iterations.
func (b *bridge) cancel([]safejs.Value) (any, error) {
	b.s.Cancel()
	return nil, nil
}

// loadIndex(bytes) → {adjectives: [{name, polarity, count}], nouns:
// [{name, count}]}.
func (b *bridge) loadIndex(a []safejs.Value) (any, error) {
	var data []byte
	if err := scan(a, &data); err != nil {
		return nil, err
	}
	v, err := b.s.LoadIndex(data)
	if err != nil {
		return nil, err
	}
	return toJS(v)
}

// retrieve({adjective, noun, k}) → [retrieval.Match as JSON].
func (b *bridge) retrieve(a []safejs.Value) (any, error) {
	var q retrieval.Query
	if err := scan(a, &q); err != nil {
		return nil, err
	}
	ms, err := b.s.Retrieve(q)
	if err != nil {
		return nil, err
	}
	return toJS(ms)
}

// loadBackbone(name, weights, manifest text) → {size, iterations, strength}.
func (b *bridge) loadBackbone(a []safejs.Value) (any, error) {
	var name, manifest string
	var data []byte
	if err := scan(a, &name, &data, &manifest); err != nil {
		return nil, err
	}
	d, err := b.s.LoadBackbone(name, data, []byte(manifest))
	if err != nil {
		return nil, err
	}
	return toJS(d)
}

// transferOptions are the page's transfer settings: the network, and
// the size and iterations of its default preset (0 keeps the preset's).
type transferOptions struct {
	Backbone     string `json:"backbone"`
	Size         int    `json:"size"`
	Iterations   int    `json:"iterations"`
	PreviewEvery int    `json:"previewEvery"` // iterations between previews; 0 for none
	// Mood is the adjective whose references' light the photo takes; ""
	// for the reference's own (one's own reference).
	Mood string `json:"mood"`
}

// overrides are the preset's adjustments o asks for.
func (o transferOptions) overrides() engine.Overrides {
	over := engine.Keep
	if o.Size > 0 {
		over.Size = o.Size
	}
	if o.Iterations > 0 {
		over.Iterations = o.Iterations
	}
	return over
}

// transfer({backbone, size, iterations, previewEvery}, report) → Promise
// of {iterations, loss}. report gets {iteration, total, content, style,
// prior[, preview, w, h]} after each iteration and may return a promise,
// which the run waits for; whatever it returns, the run then lets the
// worker's event loop turn once, so that a cancel request sent as a
// message reaches the run between two iterations. The run is a goroutine
// that recovers: a panic rejects the promise and the engine stays usable.
func (b *bridge) transfer(a []safejs.Value) (any, error) {
	var o transferOptions
	var report safejs.Value
	if err := scan(a, &o, &report); err != nil {
		return nil, err
	}
	ctx, end, err := b.s.Start()
	if err != nil {
		return nil, err
	}
	promise, resolve, reject, err := newPromise()
	if err != nil {
		end()
		return nil, err
	}
	go guarded("transfer", reject, func() {
		defer end()
		sum, err := b.s.Transfer(ctx, o.Backbone, o.overrides(), o.Mood, o.PreviewEvery, func(st engine.Progress) {
			msg, err := toJS(st)
			if err != nil {
				return
			}
			if st.Preview != nil {
				if px, err := bytesToJS(engine.ToRGBA(st.Preview)); err == nil {
					v := msg.(safejs.Value)
					v.Set("preview", px)
					v.Set("w", st.Preview.W)
					v.Set("h", st.Preview.H)
				}
			}
			// The run yields to the event loop after every iteration,
			// whatever report returns (nothing, or a promise already
			// settled, gives no message a turn), so that a cancel sent
			// as a message stops it: the turn is asked for before the
			// page hears, so that a page that waits a turn itself (the
			// worker's onProgress) waits no longer for it.
			next := turn()
			if ret, err := report.Invoke(msg); err == nil {
				await(ctx, ret)
			}
			await(ctx, next)
		})
		end() // before the page hears, so that it may start the next at once
		if err != nil {
			jerr := jsError(err)
			if errors.Is(err, context.Canceled) {
				if v, ok := jerr.(safejs.Value); ok {
					v.Set("name", "Cancelled")
				}
			}
			reject(jerr)
			return
		}
		v, err := toJS(sum)
		if err != nil {
			reject(jsError(err))
			return
		}
		resolve(v)
	})
	return promise, nil
}

// apply(rgba, width, height, strength) → a new Uint8Array of the photo
// with the last result's look.
func (b *bridge) apply(a []safejs.Value) (any, error) {
	var pix []byte
	var w, h int
	var s float32
	if err := scan(a, &pix, &w, &h, &s); err != nil {
		return nil, err
	}
	if err := b.s.ApplyRGBA(pix, w, h, 0, h, s); err != nil {
		return nil, err
	}
	return bytesToJS(pix)
}

// applyRows(rgba, width, rows, y0, fullHeight, strength) transforms a strip
// of a full-size photo where it lies, in the caller's array, through one
// Go buffer kept from strip to strip.
func (b *bridge) applyRows(a []safejs.Value) (any, error) {
	var v byteArray
	var w, h, y0, fullH int
	var s float32
	if err := scan(a, &v, &w, &h, &y0, &fullH, &s); err != nil {
		return nil, err
	}
	if cap(b.strip) < v.n {
		b.strip = nil // let the old one go before taking a larger one
		b.strip = make([]byte, v.n)
	}
	pix := b.strip[:v.n]
	if _, err := safejs.CopyBytesToGo(pix, v.v); err != nil {
		return nil, fmt.Errorf("argument 1: %w", err)
	}
	if err := b.s.ApplyRGBA(pix, w, h, y0, fullH, s); err != nil {
		return nil, err
	}
	_, err := safejs.CopyBytesToJS(v.v, pix)
	return nil, err
}

// lut(strength) → the .cube text of the last result's global look.
func (b *bridge) lut(a []safejs.Value) (any, error) {
	var s float32
	if err := scan(a, &s); err != nil {
		return nil, err
	}
	return b.s.LUT(s)
}

// subject() → [{name, score}]: the index's nouns, the photo's likeliest
// subject first.
func (b *bridge) subject([]safejs.Value) (any, error) {
	g, err := b.s.Subject()
	if err != nil {
		return nil, err
	}
	return toJS(g)
}

// describe(rgba, width, height, {file, adjective, noun, picture}) →
// {index: Uint8Array, entry}: a reference of the user's own as a
// one-entry index file, which the page keeps and gives to setOwn.
func (b *bridge) describe(a []safejs.Value) (any, error) {
	var pix []byte
	var w, h int
	var tags retrieval.Entry
	if err := scan(a, &pix, &w, &h, &tags); err != nil {
		return nil, err
	}
	one, e, err := b.s.Describe(pix, w, h, tags)
	if err != nil {
		return nil, err
	}
	v, err := toJS(map[string]any{"entry": e})
	if err != nil {
		return nil, err
	}
	ix, err := bytesToJS(one)
	if err != nil {
		return nil, err
	}
	v.(safejs.Value).Set("index", ix)
	return v, nil
}

// setOwn([Uint8Array]) → {vocabulary, stale: [i]}: the user's own
// references, each as describe gave it, ranked with the shipped ones.
func (b *bridge) setOwn(a []safejs.Value) (any, error) {
	var entries [][]byte
	if err := scan(a, &entries); err != nil {
		return nil, err
	}
	own, err := b.s.SetOwn(entries)
	if err != nil {
		return nil, err
	}
	return toJS(own)
}

// exportOwn([Uint8Array]) → Uint8Array: the user's own references as one
// collection file, with their pictures in setOwn's order.
func (b *bridge) exportOwn(a []safejs.Value) (any, error) {
	var pictures [][]byte
	if err := scan(a, &pictures); err != nil {
		return nil, err
	}
	file, err := b.s.ExportOwn(pictures)
	if err != nil {
		return nil, err
	}
	return bytesToJS(file)
}

// importOwn(Uint8Array) → [{entry, index: Uint8Array, picture:
// Uint8Array}]: the references of a collection file, each as describe
// gives one.
func (b *bridge) importOwn(a []safejs.Value) (any, error) {
	var data []byte
	if err := scan(a, &data); err != nil {
		return nil, err
	}
	refs, err := engine.ImportCollection(data)
	if err != nil {
		return nil, err
	}
	v, err := toJS(refs)
	if err != nil {
		return nil, err
	}
	list := v.(safejs.Value)
	for i, r := range refs {
		item, err := list.Index(i)
		if err != nil {
			return nil, err
		}
		for k, data := range map[string][]byte{"index": r.Index, "picture": r.Picture} {
			u, err := bytesToJS(data)
			if err != nil {
				return nil, err
			}
			item.Set(k, u)
		}
	}
	return list, nil
}

// zipOpen() starts a zip file (one at a time: a new one replaces it).
func (b *bridge) zipOpen([]safejs.Value) (any, error) {
	b.zip = engine.NewZip()
	return nil, nil
}

// zipAdd(name, Uint8Array) → Uint8Array: the zip's bytes for that file.
func (b *bridge) zipAdd(a []safejs.Value) (any, error) {
	var name string
	var data []byte
	if err := scan(a, &name, &data); err != nil {
		return nil, err
	}
	if b.zip == nil {
		return nil, fmt.Errorf("zipAdd: no zip open")
	}
	out, err := b.zip.Add(name, data)
	if err != nil {
		return nil, err
	}
	return bytesToJS(out)
}

// zipClose() → Uint8Array: the zip's last bytes.
func (b *bridge) zipClose([]safejs.Value) (any, error) {
	if b.zip == nil {
		return nil, fmt.Errorf("zipClose: no zip open")
	}
	out, err := b.zip.Close()
	b.zip = nil
	if err != nil {
		return nil, err
	}
	return bytesToJS(out)
}
