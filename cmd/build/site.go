package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"sentiment/engine"
	"sentiment/weights"
)

// The engine and the page: the first and the last steps, so that the page
// step can describe every file the others wrote.
func init() {
	register(step{10, "wasm", buildWasm})
	register(step{90, "page", buildPage})
}

// moduleRoot returns the folder of the go.mod that the go command in use
// sees, where wasm/, web/ and index.html are.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run the build inside the module (no go.mod found)")
	}
	return filepath.Dir(mod), nil
}

// simdToolchain is the Go release that builds the page's engines: its
// WebAssembly back end compiles simd/archsimd's Float32x4 operations to
// v128 instructions (behind GOEXPERIMENT=simd), which makes the engine's
// GEMM about three times faster. Naming it in GOTOOLCHAIN makes the go
// command fetch it from the module proxy once per machine, whatever Go
// runs the build; a toolchain line in go.mod would be ignored where
// GOTOOLCHAIN=local.
const simdToolchain = "go1.27.3"

// The engine files: the SIMD engine, and the scalar one for browsers whose
// WebAssembly has no SIMD (the worker checks with WebAssembly.validate).
const (
	engineFile       = "engine.wasm"
	scalarEngineFile = "engine-scalar.wasm"
)

// buildWasm compiles ./wasm for the browser twice with simdToolchain, with
// and without GOEXPERIMENT=simd, and copies that toolchain's wasm_exec.js
// (it must match the Go that built the engine; one toolchain for both
// engines keeps one wasm_exec.js). Where simdToolchain cannot be had
// (offline, never fetched) it builds the scalar engine alone with the Go
// in use, and says so.
func buildWasm(s *site) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	fmt.Printf("build: wasm: compiling the engines to WebAssembly with %s (fetched once per machine; a few minutes the first time, while Go builds its cache)\n", simdToolchain)
	simd := []string{"GOTOOLCHAIN=" + simdToolchain}
	goroot, err := goEnv(root, simd, "GOROOT")
	if err != nil {
		fmt.Printf("build: wasm: %s is not available (%v); building the scalar engine only, with the Go in use\n", simdToolchain, err)
		if err := os.Remove(filepath.Join(s.out, scalarEngineFile)); err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := goBuildWasm(root, nil, filepath.Join(s.out, engineFile)); err != nil {
			return err
		}
		if goroot, err = goEnv(root, nil, "GOROOT"); err != nil {
			return err
		}
		return copyFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(s.out, "wasm_exec.js"))
	}
	if err := goBuildWasm(root, append(simd, "GOEXPERIMENT=simd"), filepath.Join(s.out, engineFile)); err != nil {
		return err
	}
	// GOEXPERIMENT is set empty so that one in the caller's environment
	// does not turn SIMD on in the scalar engine.
	if err := goBuildWasm(root, append(simd, "GOEXPERIMENT="), filepath.Join(s.out, scalarEngineFile)); err != nil {
		return err
	}
	return copyFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(s.out, "wasm_exec.js"))
}

// goBuildWasm builds ./wasm for js/wasm, stripped, into out, with env added
// to the environment.
func goBuildWasm(root string, env []string, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./wasm")
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), "GOOS=js", "GOARCH=wasm"), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./wasm (%s): %w", strings.Join(env, " "), err)
	}
	return nil
}

// goEnv returns the go command's value of key, with env added to the
// environment (which may select another toolchain, fetched if need be).
func goEnv(root string, env []string, key string) (string, error) {
	cmd := exec.Command("go", "env", key)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %v: %s", key, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// siteFile is a file the page downloads with a progress bar and checks.
type siteFile struct {
	URL    string `json:"url"` // relative to the site folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// siteBackbone is one network the page offers, with what the page says
// of it (engine.Network).
type siteBackbone struct {
	Name     string   `json:"name"`
	Manifest string   `json:"manifest"` // URL of the weights manifest, passed to the engine as is
	Weights  siteFile `json:"weights"`
	Label    string   `json:"label"`
	Note     string   `json:"note,omitempty"`
	About    string   `json:"about,omitempty"`
	Credits  string   `json:"credits"` // plain text; [text](https://…) is a link
}

// siteInfo is site.json, the page's table of contents: what the build
// produced, with sizes for the progress bar and hashes for the checks.
type siteInfo struct {
	Engine siteFile `json:"engine"`
	// ScalarEngine is there when Engine needs WebAssembly SIMD: the engine
	// for browsers without it.
	ScalarEngine *siteFile      `json:"scalarEngine,omitempty"`
	Index        *siteFile      `json:"index"`
	Backbones    []siteBackbone `json:"backbones"`
}

// buildPage copies the page, writes site.json and precompresses every
// compressible file of the site.
func buildPage(s *site) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	// The service worker sits at the root so that it controls the whole site.
	for _, f := range [][2]string{{"index.html", "index.html"}, {"web/sw.js", "sw.js"}} {
		if err := copyFile(filepath.Join(root, f[0]), filepath.Join(s.out, f[1])); err != nil {
			return err
		}
	}
	web := filepath.Join(root, "web")
	err = filepath.WalkDir(web, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(web, p)
		// The browser tests and dot files are not part of the site.
		if rel == "e2e" || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		return copyFile(p, filepath.Join(s.out, "web", rel))
	})
	if err != nil {
		return err
	}
	info, err := describe(s.out)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(info, "", "  ") // plain data: cannot fail
	if err := os.WriteFile(filepath.Join(s.out, "site.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if info.Index == nil {
		fmt.Println("build: page: no refs/index.bin, the page will say that retrieval is missing")
	}
	if len(info.Backbones) == 0 {
		fmt.Println("build: page: no weights in models/, the page will say that the transfer is missing")
	}
	return precompress(s.out)
}

// describe lists the engine, the index and each weights file that has a
// manifest (models/*.json that weights.ParseManifest accepts) of a network
// of the engine's table, in the table's order: the default first.
func describe(out string) (*siteInfo, error) {
	info := &siteInfo{Backbones: []siteBackbone{}}
	var err error
	if info.Engine, err = hashFile(out, engineFile); err != nil {
		return nil, err
	}
	if f, err := hashFile(out, scalarEngineFile); err == nil {
		info.ScalarEngine = &f
	}
	if f, err := hashFile(out, "refs/index.bin"); err == nil {
		info.Index = &f
	}
	order := map[string]int{} // backbone name → its place in the table
	manifests, _ := filepath.Glob(filepath.Join(out, "models", "*.json"))
	sort.Strings(manifests)
	for _, m := range manifests {
		data, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		man, err := weights.ParseManifest(data)
		if err != nil {
			continue // another kind of JSON
		}
		rel := "models/" + filepath.ToSlash(filepath.Clean(man.File))
		f, err := hashFile(out, rel)
		if err != nil {
			return nil, fmt.Errorf("%s names %s: %w", filepath.Base(m), man.File, err)
		}
		if f.SHA256 != man.SHA256 || f.Size != man.Size {
			return nil, fmt.Errorf("%s does not match %s (rebuild the weights)", rel, filepath.Base(m))
		}
		n, err := engine.Lookup(man.Backbone)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(m), err)
		}
		info.Backbones = append(info.Backbones, siteBackbone{
			Name: man.Backbone, Manifest: "models/" + filepath.Base(m), Weights: f,
			Label: n.Label, Note: n.Note, About: n.About, Credits: n.Credits,
		})
		order[man.Backbone] = n.Order
	}
	sort.SliceStable(info.Backbones, func(i, j int) bool { return order[info.Backbones[i].Name] < order[info.Backbones[j].Name] })
	return info, nil
}

func hashFile(out, rel string) (siteFile, error) {
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		return siteFile{}, err
	}
	sum := sha256.Sum256(data)
	return siteFile{URL: rel, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// gzipped are the extensions worth compressing; photos already are.
var gzipped = map[string]bool{
	".html": true, ".js": true, ".css": true, ".json": true, ".svg": true, ".txt": true,
	".wasm": true, ".bin": true, ".weights": true,
}

// precompress writes name.gz beside each compressible file where that saves
// at least 5%, and removes a .gz that is stale or not worth it, so that
// serve.go (or any static host configured for it) sends the smaller file.
func precompress(out string) error {
	return filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !gzipped[strings.ToLower(filepath.Ext(p))] {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression) // a valid level: cannot fail
		zw.Write(data)
		if err := zw.Close(); err != nil {
			return err
		}
		if z.Len() > len(data)*95/100 {
			if err := os.Remove(p + ".gz"); err != nil && !os.IsNotExist(err) {
				return err
			}
			return nil
		}
		return os.WriteFile(p+".gz", z.Bytes(), 0o644)
	})
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}
