package look

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/internal/cputime"
)

// benchImages returns the 3840×2560 asset photo, its 384×256 working
// version and a stand-in for an optimized result: the working image
// recoloured toward a reference by Reinhard, with the raw optimization's
// stride-2 checkerboard and noise on top.
func benchImages(b *testing.B) (full, work, target *imaging.RGB) {
	b.Helper()
	load := func(rel string) *imaging.RGB {
		p, err := assets.Path("", rel)
		if err != nil {
			b.Fatal(err)
		}
		m, _, err := imaging.DecodeFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return m
	}
	full = load("inputs/large/bud-zion-full.jpg")
	ref := load("refs/lxqt-fog.jpg")
	work = imaging.Resize(full, 384, 256)
	target, err := Reinhard(work, ref)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	n := work.W * work.H
	for i := range n {
		x, y := i%work.W, i/work.W
		chk := float32(0.03)
		if (x+y)%2 == 1 {
			chk = -chk
		}
		for c := range 3 {
			target.Pix[c*n+i] = clamp(target.Pix[c*n+i] + chk + 0.02*float32(rng.NormFloat64()))
		}
	}
	return full, work, target
}

// BenchmarkFit fits the default grid at the 384×256 working size.
func BenchmarkFit(b *testing.B) {
	_, work, target := benchImages(b)
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		if _, err := Fit(work, target, DefaultGrid); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, 0)
}

// BenchmarkApply applies a fitted grid to the 3840×2560 photo into a
// preallocated image (as the page does, in place): B/op is all the memory
// it needs beyond the photo.
func BenchmarkApply(b *testing.B) {
	full, work, target := benchImages(b)
	g, err := Fit(work, target, DefaultGrid)
	if err != nil {
		b.Fatal(err)
	}
	dst := imaging.NewRGB(full.W, full.H)
	runtime.GC()
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		if err := g.ApplyTo(dst, full, 0.8); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, full.W*full.H)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MiB")
}

// BenchmarkReinhard recolours a working-size image (the optimization's
// starting point).
func BenchmarkReinhard(b *testing.B) {
	_, work, target := benchImages(b)
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		if _, err := Reinhard(work, target); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, 0)
}

// BenchmarkWriteCube exports a fitted look as a 33³ LUT.
func BenchmarkWriteCube(b *testing.B) {
	_, work, target := benchImages(b)
	g, err := Fit(work, target, DefaultGrid)
	if err != nil {
		b.Fatal(err)
	}
	var n countWriter
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCube(&n, "look", g.Global().Map, CubeSize); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// reportCPU reports the CPU time per operation since start (and per pixel
// when pixels > 0): on a shared machine wall-clock ns/op includes time spent
// waiting for a core, CPU time does not. The code under test is
// single-threaded, so the two agree on an idle machine.
func reportCPU(b *testing.B, start time.Duration, pixels int) {
	per := float64(cputime.Now()-start) / float64(b.N)
	b.ReportMetric(per/1e6, "cpu-ms/op")
	if pixels > 0 {
		b.ReportMetric(per/float64(pixels), "cpu-ns/pixel")
	}
}
