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
	"sentiment/engine"
)

// site is what every step gets: where the inputs are and where to write.
type site struct {
	assets string // assets folder, as assets.Root found it
	flag   string // the -assets flag as given (for assets.Fetch)
	out    string // output folder, created
	// weights are the files named by -NAME flags, by network name: each
	// one of the network's published files, shipped instead of the
	// assets'.
	weights map[string]string
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
	s.flags(flag.CommandLine)
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

// flags declares the build's flags into s: -assets, -out, and one per
// network of the engine's table for a weights file of its own.
func (s *site) flags(fs *flag.FlagSet) {
	s.weights = map[string]string{}
	fs.StringVar(&s.flag, "assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	fs.StringVar(&s.out, "out", "dist", "output folder")
	fs.StringVar(&s.refs, "refs", "", "reference collection to ship: a folder with a catalog.tsv or mood folders, or a collection file (.zip) from sentiment index or the page (default: the assets' refs)")
	for _, n := range engine.Networks() {
		fs.Func(n.Name, fmt.Sprintf("ship `FILE`, one of %s's published weights files, instead of the assets'", n.Label), func(path string) error {
			s.weights[n.Name] = path
			return nil
		})
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "build:", err)
	os.Exit(1)
}
