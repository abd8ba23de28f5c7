//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newTestSite writes a small site beside a secret file that must stay
// unreachable, and returns its handler.
func newTestSite(t *testing.T) (*site, map[string][]byte) {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "dist")
	js := bytes.Repeat([]byte("console.log('engine');\n"), 200)
	files := map[string][]byte{
		"index.html":          []byte("<!doctype html><title>t</title>"),
		"web/app.js":          js,
		"engine.wasm":         append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{1, 2, 3}, 2000)...),
		"models/a.weights":    bytes.Repeat([]byte{7}, 5000),
		"refs/photo.jpg":      []byte("\xff\xd8\xff not really a jpeg"),
		"sub/index.html":      []byte("sub page"),
		".hidden/x.txt":       []byte("hidden"),
		"web/.env":            []byte("hidden too"),
		"models/labels.txt":   []byte("short"),
		"models/huge.bin.tmp": []byte("odd extension"),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A precompressed engine whose content differs from gzip(engine.wasm)
	// only so that the test can tell which file was served.
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(files["engine.wasm"])
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "engine.wasm.gz"), zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(top, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	s, err := newSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, files
}

func do(s http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://x"+target, nil)
	if strings.Contains(target, "%") || strings.Contains(target, "..") {
		// NewRequest keeps the raw path; so does a real server.
		r.URL.Path = target
		if u, err := r.URL.Parse(target); err == nil {
			r.URL = u
		}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func body(t *testing.T, w *httptest.ResponseRecorder) []byte {
	t.Helper()
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.Bytes()
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServeTypesAndHeaders(t *testing.T) {
	s, files := newTestSite(t)
	for _, c := range []struct{ path, file, ctype string }{
		{"/", "index.html", "text/html; charset=utf-8"},
		{"/index.html", "index.html", "text/html; charset=utf-8"},
		{"/web/app.js", "web/app.js", "text/javascript; charset=utf-8"},
		{"/engine.wasm", "engine.wasm", "application/wasm"},
		{"/models/a.weights", "models/a.weights", "application/octet-stream"},
		{"/refs/photo.jpg", "refs/photo.jpg", "image/jpeg"},
		{"/sub/", "sub/index.html", "text/html; charset=utf-8"},
	} {
		for _, enc := range []string{"", "gzip, deflate, br"} {
			w := do(s, "GET", c.path, "Accept-Encoding", enc)
			if w.Code != 200 {
				t.Errorf("GET %s (%q): %d", c.path, enc, w.Code)
				continue
			}
			h := w.Header()
			if got := h.Get("Content-Type"); got != c.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", c.path, got, c.ctype)
			}
			if !bytes.Equal(body(t, w), files[c.file]) {
				t.Errorf("GET %s (%q): body differs from %s", c.path, enc, c.file)
			}
			for k, v := range map[string]string{
				"Cross-Origin-Opener-Policy":   "same-origin",
				"Cross-Origin-Embedder-Policy": "require-corp",
				"Cache-Control":                "no-cache",
				"X-Content-Type-Options":       "nosniff",
			} {
				if h.Get(k) != v {
					t.Errorf("GET %s: %s %q, want %q", c.path, k, h.Get(k), v)
				}
			}
			if h.Get("ETag") == "" {
				t.Errorf("GET %s: no ETag", c.path)
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "connect-src 'self'") {
				t.Errorf("GET %s: CSP %q", c.path, h.Get("Content-Security-Policy"))
			}
		}
	}
}

func TestServeGzip(t *testing.T) {
	s, _ := newTestSite(t)
	pre, _ := os.ReadFile(filepath.Join(s.root.Name(), "engine.wasm.gz"))

	w := do(s, "GET", "/engine.wasm", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(w.Body.Bytes(), pre) {
		t.Errorf("engine.wasm with gzip: encoding %q, want the precompressed file", w.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Error("engine.wasm: no Vary: Accept-Encoding")
	}
	if w := do(s, "GET", "/engine.wasm", "Accept-Encoding", "gzip;q=0, br"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	// On the fly for text without a .gz, smaller than the file.
	w = do(s, "GET", "/web/app.js", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || w.Body.Len() >= 4600 {
		t.Errorf("app.js: encoding %q, %d bytes", w.Header().Get("Content-Encoding"), w.Body.Len())
	}
	// Not for images, nor for tiny files.
	for _, p := range []string{"/refs/photo.jpg", "/models/labels.txt"} {
		if w := do(s, "GET", p, "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s was gzipped", p)
		}
	}
	// The two encodings have different validators.
	plain := do(s, "GET", "/engine.wasm").Header().Get("ETag")
	if plain == "" || plain == do(s, "GET", "/engine.wasm", "Accept-Encoding", "gzip").Header().Get("ETag") {
		t.Errorf("same or empty ETag for both encodings: %q", plain)
	}
}

func TestServeRevalidation(t *testing.T) {
	s, _ := newTestSite(t)
	for _, enc := range []string{"", "gzip"} {
		for _, p := range []string{"/engine.wasm", "/web/app.js", "/refs/photo.jpg", "/"} {
			first := do(s, "GET", p, "Accept-Encoding", enc)
			tag := first.Header().Get("ETag")
			w := do(s, "GET", p, "Accept-Encoding", enc, "If-None-Match", tag)
			if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
				t.Errorf("GET %s (%q) If-None-Match %s: %d with %d bytes, want 304", p, enc, tag, w.Code, w.Body.Len())
			}
			if w := do(s, "GET", p, "Accept-Encoding", enc, "If-None-Match", `"other"`); w.Code != 200 {
				t.Errorf("GET %s with a stale tag: %d", p, w.Code)
			}
		}
	}
}

func TestServeHeadAndRange(t *testing.T) {
	s, files := newTestSite(t)
	w := do(s, "HEAD", "/models/a.weights")
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "5000" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
	w = do(s, "GET", "/engine.wasm", "Range", "bytes=0-3")
	if w.Code != http.StatusPartialContent || !bytes.Equal(w.Body.Bytes(), files["engine.wasm"][:4]) {
		t.Errorf("Range: %d %q", w.Code, w.Body.Bytes())
	}
}

func TestServeRefuses(t *testing.T) {
	s, _ := newTestSite(t)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		w := do(s, m, "/index.html")
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	for _, p := range []string{
		"/../secret.txt", "/web/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
		"/link.txt",                   // symlink out of the folder
		"/.hidden/x.txt", "/web/.env", // dot files
		"/models/", "/web", "/refs/", "/x", // folders without index.html; missing
		"/web\\..\\..\\secret.txt",
	} {
		w := do(s, "GET", p)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
		if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "app.js") {
			t.Errorf("GET %s leaked %q", p, w.Body.String())
		}
	}
	// A folder with an index.html redirects to its slash form, relatively.
	if w := do(s, "GET", "/sub"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "sub/" {
		t.Errorf("GET /sub: %d to %q", w.Code, w.Header().Get("Location"))
	}
}

func TestNewSiteMissingFolder(t *testing.T) {
	if _, err := newSite(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "go run ./cmd/build") {
		t.Errorf("missing folder: %v", err)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "gzip; q=0": false,
		"*": true, "deflate": false, "x-gzip": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}
