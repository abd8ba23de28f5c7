// Command build builds the static site: the WebAssembly engine, Go's
// wasm_exec.js, the compact weights, the reference index with the
// working-size reference pictures, and the page. Every URL in the output is
// relative, so the folder works from any static host.
//
// Each step lives in a file of its own and registers itself from an init
// function; steps run in the order of their rank.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"sentiment/assets"
)

// site is what every step gets: where the inputs are and where to write.
type site struct {
	assets string // assets folder, as assets.Root found it
	flag   string // the -assets flag as given (for assets.Fetch)
	out    string // output folder, created
	// densenet is the path of torchvision's densenet121 .pth, or "".
	densenet string
	// refs is the reference collection to ship (a folder or a collection
	// file), or "" for the assets' refs.
	refs string
}

// step is one part of the build.
type step struct {
	rank int
	name string
	run  func(*site) error
}

var steps []step

func register(s step) { steps = append(steps, s) }

func main() {
	s := &site{}
	flag.StringVar(&s.flag, "assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	flag.StringVar(&s.out, "out", "dist", "output folder")
	flag.StringVar(&s.densenet, "densenet", "", "torchvision densenet121-a639ec97.pth to convert (optional)")
	flag.StringVar(&s.refs, "refs", "", "reference collection to ship: a folder with a catalog.tsv or mood folders, or a collection file (.zip) from sentiment index or the page (default: the assets' refs)")
	flag.Parse()
	root, err := assets.Root(s.flag)
	if err != nil {
		fail(err)
	}
	s.assets = root
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		fail(err)
	}
	if s.out, err = filepath.Abs(s.out); err != nil {
		fail(err)
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].rank < steps[j].rank })
	for _, st := range steps {
		t := time.Now()
		if err := st.run(s); err != nil {
			fail(fmt.Errorf("%s: %w", st.name, err))
		}
		fmt.Printf("build: %-10s %6.1fs\n", st.name, time.Since(t).Seconds())
	}
	fmt.Printf("build: site written to %s\n", s.out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "build:", err)
	os.Exit(1)
}
