//go:build !js

// Serve serves the static site that cmd/build writes:
//
//	go run serve.go [-addr 127.0.0.1:8080] [-dir dist]
//
// It answers GET and HEAD only, from inside the site folder only (no path
// traversal, no symlinks out, no dot files, no directory listings), with the
// right content types (application/wasm for the engine, so browsers can
// compile it while it streams in), gzip (a precompressed name.gz beside a
// file when the build wrote one, else compressed on the fly for text), strong
// ETags with revalidation, and the cross-origin isolation headers that a
// multi-threaded engine will need for SharedArrayBuffer.
package main

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	dir := flag.String("dir", "dist", "site folder that `go run ./cmd/build` wrote")
	flag.Parse()
	h, err := newSite(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	// The address is printed only once the socket listens, so a script
	// that reads it (web/e2e/run.sh) can connect at once.
	fmt.Printf("serving %s at http://%s/\n", *dir, ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// site serves one folder.
type site struct {
	root *os.Root // confines every open to the folder, symlinks included

	mu    sync.Mutex
	etags map[string]etag // by name inside the folder
}

// etag caches a file's content hash while its size and time are unchanged.
type etag struct {
	size int64
	mod  time.Time
	tag  string
}

func newSite(dir string) (*site, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("site folder: %w (build it first with `go run ./cmd/build`)", err)
	}
	return &site{root: root, etags: map[string]etag{}}, nil
}

// types are the content types of what the build writes, fixed here so that
// they do not depend on the host's mime database.
var types = map[string]string{
	".html":    "text/html; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".mjs":     "text/javascript; charset=utf-8",
	".css":     "text/css; charset=utf-8",
	".json":    "application/json",
	".wasm":    "application/wasm",
	".txt":     "text/plain; charset=utf-8",
	".cube":    "text/plain; charset=utf-8",
	".svg":     "image/svg+xml",
	".png":     "image/png",
	".jpg":     "image/jpeg",
	".jpeg":    "image/jpeg",
	".webp":    "image/webp",
	".ico":     "image/x-icon",
	".bin":     "application/octet-stream",
	".weights": "application/octet-stream",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible reports whether on-the-fly gzip is worth it for a type.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "application/json" ||
		ctype == "application/wasm" || ctype == "image/svg+xml" || ctype == "application/octet-stream"
}

// csp keeps the page (and its worker, whose policy comes from its own
// response) from talking to any other origin: a guard on the promise that
// no photo leaves the device. wasm-unsafe-eval lets the worker compile the
// engine; blob: and data: images are the results and previews.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; " +
	"style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Cross-origin isolation (for SharedArrayBuffer in a multi-worker
	// engine) and its companion for our own resources.
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", csp)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanName(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	info, err := s.root.Stat(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if info.IsDir() {
		// A folder is served by its index.html, never listed.
		index := path.Join(name, "index.html")
		if fi, err := s.root.Stat(index); err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Relative, so it works under any prefix a proxy adds.
			// (http.Redirect would make it absolute.)
			h.Set("Location", path.Base(r.URL.Path)+"/")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		name, info = index, nil
		if info, err = s.root.Stat(name); err != nil {
			http.NotFound(w, r)
			return
		}
	}
	if !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	s.serveFile(w, r, name, info)
}

// cleanName turns a URL path into a name inside the folder, refusing dot
// files and dot folders (which also refuses every ".." that Clean leaves)
// and anything the os.Root could not represent.
func cleanName(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		return ".", true
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return name, fs.ValidPath(name)
}

func (s *site) serveFile(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo) {
	h := w.Header()
	ctype := contentType(name)
	h.Set("Content-Type", ctype)
	// URLs are not content-hashed, so every response is revalidated (a 304
	// costs a header); the page keeps the large weights and index in Cache
	// Storage, checked by their sha256, and asks for them only once.
	h.Set("Cache-Control", "no-cache")
	gz := compressible(ctype) || s.exists(name+".gz")
	if gz {
		h.Add("Vary", "Accept-Encoding")
	}
	if gz && acceptsGzip(r) {
		if pre, err := s.root.Open(name + ".gz"); err == nil {
			defer pre.Close()
			if pi, err := pre.Stat(); err == nil && pi.Mode().IsRegular() {
				h.Set("Content-Encoding", "gzip")
				if tag, err := s.etag(name+".gz", pi); err == nil {
					h.Set("ETag", tag)
				}
				http.ServeContent(w, r, name, pi.ModTime(), pre)
				return
			}
		}
	}
	f, err := s.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	tag, err := s.etag(name, info)
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	h.Set("ETag", tag)
	// Compress on the fly only whole-body answers of text-like files: a
	// Range applies to the encoded bytes, which do not exist in advance.
	if gz && compressible(ctype) && acceptsGzip(r) && r.Header.Get("Range") == "" && info.Size() > 1024 {
		if checkNotModified(r, tag) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", strings.TrimSuffix(tag, `"`)+`-gz"`)
		h.Set("Last-Modified", info.ModTime().UTC().Format(http.TimeFormat))
		if r.Method == http.MethodHead {
			return
		}
		zw := gzip.NewWriter(w)
		io.Copy(zw, f)
		zw.Close()
		return
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// checkNotModified reports whether the request's If-None-Match names tag in
// either of its encodings.
func checkNotModified(r *http.Request, tag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	gzTag := strings.TrimSuffix(tag, `"`) + `-gz"`
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag || t == gzTag {
			return true
		}
	}
	return false
}

func (s *site) exists(name string) bool {
	fi, err := s.root.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// etag returns a strong ETag from the file's sha256, hashed once per
// version of the file.
func (s *site) etag(name string, info fs.FileInfo) (string, error) {
	s.mu.Lock()
	e, ok := s.etags[name]
	s.mu.Unlock()
	if ok && e.size == info.Size() && e.mod.Equal(info.ModTime()) {
		return e.tag, nil
	}
	f, err := s.root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, f); err != nil {
		return "", err
	}
	tag := `"` + hex.EncodeToString(hash.Sum(nil)[:12]) + `"`
	s.mu.Lock()
	s.etags[name] = etag{info.Size(), info.ModTime(), tag}
	s.mu.Unlock()
	return tag, nil
}

// acceptsGzip reports whether the client takes gzip (a q=0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(coding) != "gzip" && strings.TrimSpace(coding) != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
