//go:build !js

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newTestSite writes a small site beside a secret file that must stay
// unreachable, and returns its handler.
func newTestSite(t testing.TB) (*site, map[string][]byte) {
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

// listen serves h on a loopback port until the test ends or stop is
// called; done is closed when serve returns, with its result in *err.
func listen(t *testing.T, h http.Handler) (addr string, stop context.CancelFunc, done chan struct{}, err *error) {
	t.Helper()
	ln, e := net.Listen("tcp", "127.0.0.1:0")
	if e != nil {
		t.Fatal(e)
	}
	ctx, stop := context.WithCancel(context.Background())
	done, err = make(chan struct{}), new(error)
	go func() { *err = serve(ctx, ln, h); close(done) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("server did not stop")
		}
	})
	return ln.Addr().String(), stop, done, err
}

// shorten sets a limit for the test's duration.
func shorten[T any](t *testing.T, v *T, to T) {
	old := *v
	*v = to
	t.Cleanup(func() { *v = old })
}

// rawRequest sends req on a new connection and reads the response.
func rawRequest(t *testing.T, addr, req string) (*http.Response, net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp, c
}

func TestServeOptionsStar(t *testing.T) {
	s, _ := newTestSite(t)
	addr, _, _, _ := listen(t, s)
	resp, _ := rawRequest(t, addr, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("OPTIONS *: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	for _, k := range []string{"Content-Security-Policy", "Cross-Origin-Opener-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if resp.Header.Get(k) == "" {
			t.Errorf("OPTIONS *: no %s", k)
		}
	}
}

func TestServeGzipRevalidation(t *testing.T) {
	s, _ := newTestSite(t)
	first := do(s, "GET", "/web/app.js", "Accept-Encoding", "gzip")
	tag, mod := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	if first.Header().Get("Content-Encoding") != "gzip" || !strings.HasSuffix(tag, `-gz"`) || mod == "" {
		t.Fatalf("app.js gzipped on the fly: encoding %q, ETag %q, Last-Modified %q", first.Header().Get("Content-Encoding"), tag, mod)
	}
	// The 304 carries the validator of the variant it confirms.
	w := do(s, "GET", "/web/app.js", "Accept-Encoding", "gzip", "If-None-Match", tag)
	if w.Code != http.StatusNotModified || w.Header().Get("ETag") != tag {
		t.Errorf("If-None-Match: %d with ETag %q, want 304 with %q", w.Code, w.Header().Get("ETag"), tag)
	}
	// If-Modified-Since, for the on-the-fly, precompressed and plain
	// answers alike.
	for _, c := range []struct{ path, enc string }{{"/web/app.js", "gzip"}, {"/engine.wasm", "gzip"}, {"/engine.wasm", ""}} {
		lm := do(s, "GET", c.path, "Accept-Encoding", c.enc).Header().Get("Last-Modified")
		if w := do(s, "GET", c.path, "Accept-Encoding", c.enc, "If-Modified-Since", lm); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("%s (%q) If-Modified-Since its own time: %d, want 304", c.path, c.enc, w.Code)
		}
		if w := do(s, "GET", c.path, "Accept-Encoding", c.enc, "If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"); w.Code != 200 {
			t.Errorf("%s (%q) If-Modified-Since long ago: %d, want 200", c.path, c.enc, w.Code)
		}
		// If-None-Match wins over If-Modified-Since.
		if w := do(s, "GET", c.path, "Accept-Encoding", c.enc, "If-Modified-Since", lm, "If-None-Match", `"other"`); w.Code != 200 {
			t.Errorf("%s (%q) stale tag, fresh date: %d, want 200", c.path, c.enc, w.Code)
		}
	}
}

func TestAcceptsGzipWeights(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip;q=0.0": false, "gzip;Q=0": false, "gzip ; q = 0": false, "GZIP;q=0.000": false,
		"*, gzip;q=0": false, "gzip;q=0, *": false, "*;q=0": false, "*;q=0, br": false,
		"gzip;q=0.001": true, "*;q=0.1": true, "br, *": true, "gzip;q=junk": false, "gzip;q=2": false,
		"identity": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
	// And the answer follows.
	s, _ := newTestSite(t)
	for _, h := range []string{"*, gzip;q=0", "gzip;q=0.0"} {
		for _, p := range []string{"/engine.wasm", "/web/app.js"} {
			if w := do(s, "GET", p, "Accept-Encoding", h); w.Header().Get("Content-Encoding") != "" {
				t.Errorf("%s with %q: gzipped", p, h)
			}
		}
	}
}

func TestServeRangeParts(t *testing.T) {
	s, files := newTestSite(t)
	want := files["engine.wasm"]
	w := do(s, "GET", "/engine.wasm", "Range", "bytes=0-1,10-11,20-21")
	if w.Code != http.StatusPartialContent || !strings.HasPrefix(w.Header().Get("Content-Type"), "multipart/byteranges") {
		t.Errorf("3 parts: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	// The 200,000 one-byte parts (800 KB of header, past what the
	// server reads) and a smaller many-part request both get the file.
	many := make([]string, 1000)
	for i := range many {
		many[i] = strconv.Itoa(i) + "-" + strconv.Itoa(i)
	}
	w = do(s, "GET", "/engine.wasm", "Range", "bytes="+strings.Join(many, ","))
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want) {
		t.Errorf("1000 parts: %d with %d bytes, want 200 with the %d-byte file", w.Code, w.Body.Len(), len(want))
	}
	addr, _, _, _ := listen(t, s)
	huge := "bytes=" + strings.Repeat("0-0,", 200000)
	resp, _ := rawRequest(t, addr, "GET /engine.wasm HTTP/1.1\r\nHost: x\r\nRange: "+huge+"\r\n\r\n")
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("800 KB Range header: %d, want 431", resp.StatusCode)
	}
}

func TestServeRefusesBody(t *testing.T) {
	s, _ := newTestSite(t)
	addr, _, _, _ := listen(t, s)
	// A body announced and then trickled: answered at once, and closed.
	start := time.Now()
	resp, c := rawRequest(t, addr, "GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nx")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Errorf("GET with a body: %d, close %v", resp.StatusCode, resp.Close)
	}
	io.Copy(io.Discard, resp.Body)
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after the refusal: %v, want the connection closed", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("refusal and close took %v", d)
	}
}

func TestUsage(t *testing.T) {
	fs, _, _ := flags()
	var b bytes.Buffer
	fs.SetOutput(&b)
	fs.PrintDefaults()
	if !strings.Contains(b.String(), "-dir folder") || strings.Contains(b.String(), "-dir go") {
		t.Errorf("usage:\n%s", b.String())
	}
}

// bigSite returns a site with one file, big.bin, larger than what the
// loopback's socket buffers hold (download keeps the client's small), so
// that a client that stops reading blocks the server's writes.
func bigSite(t *testing.T) (*site, int) {
	dir := t.TempDir()
	const size = 16 << 20
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), bytes.Repeat([]byte("0123456789abcdef"), size/16), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := newSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, size
}

// download fetches big.bin on its own connection, taking step bytes every
// pause, and returns how many bytes arrived and how the body ended.
func download(addr string, step int, pause time.Duration) (int, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	// Linux grows a loopback receive buffer to 32 MB; a fixed one stops that.
	c.(*net.TCPConn).SetReadBuffer(64 << 10)
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		time.Sleep(pause)
		k, err := io.CopyN(io.Discard, resp.Body, int64(step))
		n += int(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func TestServeTimeouts(t *testing.T) {
	// A second of stall: a loaded machine can pause the steady reader
	// below for several hundred milliseconds, which must not count.
	shorten(t, &writeStall, time.Second)
	shorten(t, &idleTimeout, 300*time.Millisecond)
	s, size := bigSite(t)
	addr, _, _, _ := listen(t, s)

	// Slow but steady: 256 KB every 50 ms takes several stall periods in
	// all (about 3 s) and is served whole.
	if n, err := download(addr, 256<<10, 50*time.Millisecond); err != nil || n != size {
		t.Errorf("steady reader: %d of %d bytes, %v", n, size, err)
	}
	// Stalled: reads nothing for longer than writeStall, and is cut.
	if n, err := download(addr, size, 3*time.Second); err == nil || n >= size {
		t.Errorf("stalled reader: %d of %d bytes, %v; want cut", n, size, err)
	}
	// Idle keep-alive: closed by the server.
	resp, c := rawRequest(t, addr, "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("HEAD: %d, close %v", resp.StatusCode, resp.Close)
	}
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection: %v after %v, want closed by the server", err, time.Since(start))
	}

	// The whole response is capped too.
	shorten(t, &writeTimeout, time.Second)
	if n, err := download(addr, 512<<10, 50*time.Millisecond); err == nil || n >= size {
		t.Errorf("reader past writeTimeout: %d of %d bytes, %v; want cut", n, size, err)
	}
}

// counting counts the requests being handled.
type counting struct {
	h        http.Handler
	inFlight atomic.Int32
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	c.h.ServeHTTP(w, r)
}

func TestServeGracefulShutdown(t *testing.T) {
	s, size := bigSite(t)
	h := &counting{h: s}
	addr, stop, done, serr := listen(t, h)
	type result struct {
		n   int
		err error
	}
	got := make(chan result, 1)
	go func() {
		n, err := download(addr, 512<<10, 50*time.Millisecond) // about 1.6 s
		got <- result{n, err}
	}()
	time.Sleep(300 * time.Millisecond) // the download is under way
	if h.inFlight.Load() != 1 {
		t.Fatal("download not under way")
	}
	stop()
	time.Sleep(100 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("new connection accepted after the signal")
	}
	// serve returns only once the response has been written (the last
	// megabytes may still be in the sockets' buffers), and the client
	// gets all of it.
	<-done
	if n := h.inFlight.Load(); n != 0 || *serr != nil {
		t.Errorf("serve returned %v with %d responses in flight", *serr, n)
	}
	if r := <-got; r.err != nil || r.n != size {
		t.Errorf("download in flight at shutdown: %d of %d bytes, %v", r.n, size, r.err)
	}
}

func TestServeShutdownGraceEnds(t *testing.T) {
	shorten(t, &shutdownGrace, 300*time.Millisecond)
	s, size := bigSite(t)
	addr, stop, done, serr := listen(t, s)
	got := make(chan int, 1)
	go func() { n, _ := download(addr, size, 3*time.Second); got <- n }() // stalls
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	stop()
	<-done
	if *serr == nil || time.Since(start) > 3*time.Second {
		t.Errorf("serve with a stalled download: %v after %v, want an error after the grace", *serr, time.Since(start))
	}
	if n := <-got; n >= size {
		t.Errorf("stalled download got all %d bytes", n)
	}
}

// FuzzServe asks the test site for arbitrary paths, ranges and encodings:
// nothing outside the folder or hidden may be served, and nothing may fail
// on the server's side.
func FuzzServe(f *testing.F) {
	s, files := newTestSite(f)
	for _, p := range []string{"/", "/index.html", "/engine.wasm", "/../secret.txt", "/link.txt", "/.hidden/x.txt", "/sub", "/web/%2e%2e/secret.txt"} {
		f.Add(p, "", "gzip")
	}
	f.Add("/engine.wasm", "bytes=0-3,5-9", "")
	f.Add("/web/app.js", "bytes=-10", "gzip;q=0, *")
	f.Fuzz(func(t *testing.T, p, rng, enc string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: p}, RequestURI: p, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
		r.Header.Set("Range", rng)
		r.Header.Set("Accept-Encoding", enc)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%q: %d", p, w.Code)
		}
		b := w.Body.Bytes()
		if w.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatalf("%q: bad gzip: %v", p, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%q: bad gzip: %v", p, err)
			}
		}
		if bytes.Contains(b, []byte("secret")) || bytes.Contains(b, []byte("hidden")) {
			t.Fatalf("%q leaked %q", p, b)
		}
		if w.Code == 200 {
			found := false
			for name, data := range files {
				found = found || bytes.Equal(b, data) && !strings.HasPrefix(name, ".") && !strings.Contains(name, "/.")
			}
			if !found {
				t.Fatalf("%q: 200 with a body that is no file of the site", p)
			}
		}
	})
}

// TestMain lets the test binary be the server (for a process of its own,
// under a lower file descriptor limit): with SERVE_TEST_MAIN set it runs
// main on the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("SERVE_TEST_MAIN") == "" {
		os.Exit(m.Run())
	}
	for i, a := range os.Args {
		if a == "--" {
			os.Args = append([]string{"serve"}, os.Args[i+1:]...)
		}
	}
	main()
}

// TestServeEmptySuffixRange: a suffix range of length zero is
// unsatisfiable (RFC 9110 14.1.2): alone it gets a 416 naming the size,
// beside a satisfiable one it is left out; net/http sent a 206 with an
// invalid Content-Range ("bytes 6002-6001/6002").
func TestServeEmptySuffixRange(t *testing.T) {
	s, files := newTestSite(t)
	size := len(files["engine.wasm"])
	for _, rng := range []string{"bytes=-0", "bytes= -0 ", "bytes=-0,-00"} {
		for _, enc := range []string{"", "gzip"} {
			w := do(s, "GET", "/engine.wasm", "Range", rng, "Accept-Encoding", enc)
			n := size
			if enc == "gzip" {
				fi, _ := s.root.Stat("engine.wasm.gz")
				n = int(fi.Size())
			}
			if w.Code != http.StatusRequestedRangeNotSatisfiable || w.Header().Get("Content-Range") != "bytes */"+strconv.Itoa(n) {
				t.Errorf("%q (%s): %d, Content-Range %q, want 416 and bytes */%d", rng, enc, w.Code, w.Header().Get("Content-Range"), n)
			}
		}
	}
	w := do(s, "GET", "/engine.wasm", "Range", "bytes=0-1,-0")
	if w.Code != http.StatusPartialContent || w.Header().Get("Content-Range") != "bytes 0-1/"+strconv.Itoa(size) || w.Body.Len() != 2 {
		t.Errorf("bytes=0-1,-0: %d, Content-Range %q, %d bytes", w.Code, w.Header().Get("Content-Range"), w.Body.Len())
	}
	// With an If-Range that no longer holds, the whole file, as for any
	// Range.
	w = do(s, "GET", "/engine.wasm", "Range", "bytes=-0", "If-Range", `"stale"`)
	if w.Code != 200 || w.Body.Len() != size {
		t.Errorf("bytes=-0 with a stale If-Range: %d with %d bytes", w.Code, w.Body.Len())
	}
}

// TestServeIdleFlood: with more idle connections than the process has
// file descriptors (here 300 against a limit of 128), an ordinary client
// is still served at once: the connections are capped under the limit
// and the oldest idle one makes room. The server used to accept until it
// ran out of descriptors (EMFILE) and leave the client waiting until an
// idle connection timed out (10 s).
func TestServeIdleFlood(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to lower the descriptor limit with")
	}
	s, files := newTestSite(t)
	cmd := exec.Command("sh", "-c", `ulimit -n 128 && exec "$0" -test.run=^$ -- -addr 127.0.0.1:0 -dir "$1"`, os.Args[0], s.root.Name())
	cmd.Env = append(os.Environ(), "SERVE_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server said %q: %v", line, err)
	}
	base := strings.TrimSpace(line[strings.LastIndex(line, " ")+1:])
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	var idle []net.Conn
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	for range 300 {
		c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatalf("idle connection %d: %v", len(idle), err)
		}
		idle = append(idle, c)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 3 {
		start := time.Now()
		resp, err := client.Get(base + "index.html")
		if err != nil {
			t.Fatalf("request %d with 300 idle connections open: %v after %v", i, err, time.Since(start))
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(b, files["index.html"]) {
			t.Errorf("request %d: %d %q", i, resp.StatusCode, b)
		}
		t.Logf("request %d served in %v", i, time.Since(start))
	}
}
