// Package assettest gives tests the assets' photos and SqueezeNet in one
// call each. A missing or unreadable asset fails the test: tests run on
// the real data, never skip it.
package assettest

import (
	"sync"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/internal/assetweights"
)

// Photo decodes the asset at rel (such as "inputs/kodim16.jpg").
func Photo(t testing.TB, rel string) *imaging.RGB {
	t.Helper()
	p, err := assets.Path("", rel)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := imaging.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var squeeze struct {
	once sync.Once
	net  *backbone.SqueezeNet
	err  error
}

// SqueezeNet returns SqueezeNet 1.1 built from the assets' weights, built
// once per test binary (the network is read-only once built).
func SqueezeNet(t testing.TB) *backbone.SqueezeNet {
	t.Helper()
	squeeze.once.Do(func() {
		f, err := assetweights.SqueezeNet("")
		if err != nil {
			squeeze.err = err
			return
		}
		squeeze.net, squeeze.err = backbone.NewSqueezeNet(f)
	})
	if squeeze.err != nil {
		t.Fatal(squeeze.err)
	}
	return squeeze.net
}
