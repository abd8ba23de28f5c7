package retrieval

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"sentiment/imaging"
)

// threads runs f as sub-benchmarks on one thread (as in the browser) and
// on all of them.
func threads(b *testing.B, f func(b *testing.B)) {
	counts := []int{1}
	if all := runtime.GOMAXPROCS(0); all > 1 {
		counts = append(counts, all)
	}
	for _, n := range counts {
		b.Run(fmt.Sprintf("threads=%d", n), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
			f(b)
		})
	}
}

// BenchmarkRetrieveReferences is one query against every shared reference,
// all adjectives competing: the edge map of a working-size photo plus 63
// SSIMs.
func BenchmarkRetrieveReferences(b *testing.B) {
	ix, dir := assetIndex(b)
	in, _, err := imaging.DecodeFile(filepath.Join(dir, "ele-ashim.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	all := make([]int, len(ix.Entries))
	for i := range all {
		all[i] = i
	}
	threads(b, func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			q, err := EdgeMap(in)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ix.edgeSSIM(q, all); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRetrieve10k is one query against a synthetic index of 10,000
// entries of one adjective (the worst case: all of them compete).
func BenchmarkRetrieve10k(b *testing.B) {
	entries := synthEntries(10000)
	for i := range entries {
		entries[i].Adjective, entries[i].Polarity = "dark", Negative
	}
	ix, err := New(entries)
	if err != nil {
		b.Fatal(err)
	}
	in := picture(3, 512, 341, 0.8, 0.6, 0.3)
	threads(b, func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ms, err := Retrieve(ix, in, Query{Adjective: "dark", K: 5})
			if err != nil || len(ms) != 5 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(b.N)/10000, "µs/entry")
	})
}

// BenchmarkEdgeMap is the query's share: the edge map of a 512×341 photo.
func BenchmarkEdgeMap(b *testing.B) {
	in := picture(3, 512, 341, 0.8, 0.6, 0.3)
	for i := 0; i < b.N; i++ {
		if _, err := EdgeMap(in); err != nil {
			b.Fatal(err)
		}
	}
}
