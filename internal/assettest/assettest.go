// Package assettest gives tests the assets' photos in one call. A missing
// or unreadable asset fails the test: tests run on the real data, never
// skip it. The assets' SqueezeNet is backbone/backbonetest's.
package assettest

import (
	"testing"

	"sentiment/assets"
	"sentiment/imaging"
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
