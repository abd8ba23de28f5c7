// Package backbonetest gives tests the assets' SqueezeNet in one call,
// built once per test binary (as net/http/httptest serves net/http's
// tests). A missing or unreadable asset fails the test: tests run on the
// real weights, never skip them. The assets' photos are
// internal/assettest's.
package backbonetest

import (
	"sync"
	"testing"

	"sentiment/backbone"
	"sentiment/internal/assetweights"
)

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
