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
// ETags with revalidation (If-None-Match, If-Modified-Since), and the
// cross-origin isolation headers that a multi-threaded engine will need for
// SharedArrayBuffer.
//
// It cannot be tied up cheaply: requests, idle connections and stalled
// readers are timed out (slow but steady readers are served), connections
// are capped under the file descriptor limit with the oldest idle one
// closed to make room, a Range of many parts gets the plain file, and
// SIGINT or SIGTERM lets downloads in flight finish for a grace period
// before the process exits.
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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/netutil"
)

// Limits of the server, chosen for a static site of a few megabytes that
// may be fetched over a slow link. Variables so that tests can shorten them.
var (
	// readHeaderTimeout bounds a request's headers; readTimeout the whole
	// request. GET and HEAD have no body (one is refused at once), so both
	// are generous for any client and short for one that trickles.
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 20 * time.Second
	// idleTimeout closes a keep-alive connection that sends no request:
	// a page's fetches come in bursts, and a browser reconnects for free.
	idleTimeout = 30 * time.Second
	// writeStall is the longest a response may wait for the client to
	// take the next writeChunk: a reader must keep up 32 KB per 30 s,
	// about 1 KB/s, a hundredth of a poor mobile link, so a slow but
	// honest client is served and a stalled one is cut.
	writeStall = 30 * time.Second
	// writeTimeout caps any one response: the 7 MB engine.wasm (about
	// 2 MB gzipped) in 20 minutes is 6 KB/s, slower than any link that
	// could run the page.
	writeTimeout = 20 * time.Minute
	// shutdownGrace is how long downloads in flight may finish after
	// SIGINT or SIGTERM; a second signal ends the server at once.
	shutdownGrace = 10 * time.Second
)

const (
	// writeChunk is the most written under one writeStall deadline.
	writeChunk = 32 << 10
	// maxHeaderBytes bounds request headers: a browser sends a few KB.
	maxHeaderBytes = 32 << 10
	// maxRanges is the most parts of a Range request served as asked;
	// past it the whole file is sent, which costs no more than the file
	// (200,000 one-byte parts made a 27 MB multipart answer).
	maxRanges = 8
	// fdReserve is how many file descriptors the connection cap leaves
	// for the runtime, the files being served and their etags.
	fdReserve = 64
)

// maxConns caps the connections open at once (see limitConns): half the
// descriptors the process may open, less fdReserve, so that a request
// always has one for its file, and at most 10,000, more than a static
// site's visitors ever hold. A variable so that tests can lower it.
var maxConns = func() int {
	n := fdLimit()
	return max(8, min(10000, (n-fdReserve)/2))
}()

func main() {
	fs, addr, dir := flags()
	fs.Parse(os.Args[1:])
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
	// The first signal starts a graceful shutdown and gives the signals
	// back their default action, so that a second one ends the process
	// at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	if err := serve(ctx, ln, h); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// flags defines the command line.
func flags() (fs *flag.FlagSet, addr, dir *string) {
	fs = flag.NewFlagSet("serve", flag.ExitOnError)
	addr = fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	dir = fs.String("dir", "dist", "site `folder`, as go run ./cmd/build writes it")
	return fs, addr, dir
}

// serve answers on ln until ctx is done, then stops accepting and lets the
// responses in flight finish for up to shutdownGrace before closing what
// remains. It returns only once the server has stopped.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	ln, state := limitConns(ln, maxConns)
	srv := &http.Server{
		ConnState:         state,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		WriteTimeout:      writeTimeout, // stallWriter also cuts a response that stalls
		MaxHeaderBytes:    maxHeaderBytes,
		// "OPTIONS *" goes to the site, which answers it with its headers.
		DisableGeneralOptionsHandler: true,
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		err := srv.Shutdown(grace)
		if err != nil {
			srv.Close() // the grace is over: cut what remains
		}
		done <- err
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := <-done; err != nil {
		return fmt.Errorf("downloads still running after %v were cut", shutdownGrace)
	}
	return nil
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
	if r.Method == http.MethodOptions && r.RequestURI == "*" {
		// The server-wide question: what methods are there.
		h.Set("Allow", "GET, HEAD")
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		// GET and HEAD carry no body. Answer at once and close: the read
		// deadline keeps the server from draining one that trickles in
		// (net/http reads up to 256 KB of it to reuse the connection).
		h.Set("Connection", "close")
		http.NewResponseController(w).SetReadDeadline(time.Now())
		http.Error(w, "a GET or HEAD request has no body", http.StatusRequestEntityTooLarge)
		return
	}
	if strings.Count(r.Header.Get("Range"), ",") >= maxRanges {
		r.Header.Del("Range") // RFC 9110 lets a server ignore a Range
	}
	w = stallWriter(w)
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

// limitConns caps the connections open at once to n: past it, the oldest
// idle connection (a keep-alive one, or one that has sent no request yet)
// is closed to make room, so that thousands of idle or trickling clients
// cannot keep an ordinary one waiting; only when all n are answering
// requests does a new one wait for a place. The cap itself is
// x/net's LimitListener, which accepts no connection past it: accepting
// until the descriptors ran out (EMFILE) left none to open the files
// served. It returns the listener and the http.Server.ConnState hook
// that finds the idle connections.
func limitConns(ln net.Listener, n int) (net.Listener, func(net.Conn, http.ConnState)) {
	c := &conns{max: n, idle: map[net.Conn]time.Time{}}
	return netutil.LimitListener(ln, n), c.state
}

// conns tracks the open connections and when each became idle.
type conns struct {
	mu   sync.Mutex
	max  int
	open int
	idle map[net.Conn]time.Time // connections with no request in progress
}

func (c *conns) state(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open++
		if c.open >= c.max {
			c.evict()
		}
		c.idle[conn] = time.Now()
	case http.StateIdle:
		c.idle[conn] = time.Now()
	case http.StateActive:
		delete(c.idle, conn)
	case http.StateHijacked, http.StateClosed:
		c.open--
		delete(c.idle, conn)
	}
}

// evict closes the connection idle for longest, if any: its place goes
// to the next connection waiting. Called with mu held.
func (c *conns) evict() {
	var oldest net.Conn
	var since time.Time
	for conn, t := range c.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = conn, t
		}
	}
	if oldest != nil {
		delete(c.idle, oldest)
		oldest.Close()
	}
}

// fdLimit returns how many file descriptors the process may open, from
// Linux's /proc/self/limits (Go raises the soft limit to the hard one at
// start), or, where that cannot be read, 1024, the smallest limit in use.
// (syscall.Getrlimit would need a file of its own for Windows, and serve.go
// runs as one file.)
func fdLimit() int {
	b, err := os.ReadFile("/proc/self/limits")
	if err != nil {
		return 1024
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if n, err := strconv.Atoi(f[0]); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 1024
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
				if emptyRanges(w, r, pi.Size()) {
					return
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
		// The gzip variant has its own validator; a client that holds
		// either variant may revalidate with its tag.
		gzTag := strings.TrimSuffix(tag, `"`) + `-gz"`
		h.Set("ETag", gzTag)
		h.Set("Last-Modified", info.ModTime().UTC().Format(http.TimeFormat))
		if notModified(r, info.ModTime(), tag, gzTag) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Encoding", "gzip")
		if r.Method == http.MethodHead {
			return
		}
		zw := gzip.NewWriter(w)
		io.Copy(zw, f)
		zw.Close()
		return
	}
	if emptyRanges(w, r, info.Size()) {
		return
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// emptyRanges takes out of a Range request the suffix ranges of length
// zero ("-0"), which net/http answers with a 206 and an invalid
// Content-Range; RFC 9110 14.1.2 calls them unsatisfiable. A request of
// nothing else is answered 416 here, and emptyRanges returns true; with
// an If-Range, which may yet turn the answer into the whole file, the
// Range goes instead.
func emptyRanges(w http.ResponseWriter, r *http.Request, size int64) bool {
	unit, specs, ok := strings.Cut(r.Header.Get("Range"), "=")
	if !ok || strings.TrimSpace(unit) != "bytes" {
		return false
	}
	var kept []string
	dropped := false
	for _, spec := range strings.Split(specs, ",") {
		spec = strings.TrimSpace(spec)
		if n, err := strconv.ParseInt(strings.TrimPrefix(spec, "-"), 10, 64); strings.HasPrefix(spec, "-") && err == nil && n == 0 {
			dropped = true
			continue
		}
		kept = append(kept, spec)
	}
	switch {
	case !dropped:
		return false
	case len(kept) > 0:
		r.Header.Set("Range", "bytes="+strings.Join(kept, ","))
		return false
	case r.Header.Get("If-Range") != "":
		r.Header.Del("Range")
		return false
	}
	w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
	http.Error(w, "416 requested range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
	return true
}

// notModified reports whether a GET or HEAD may be answered 304 (RFC 9110
// 13.2.2): If-None-Match naming one of tags, or, without If-None-Match, an
// If-Modified-Since no earlier than mod.
func notModified(r *http.Request, mod time.Time, tags ...string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" {
				return true
			}
			for _, tag := range tags {
				if t == tag {
					return true
				}
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !mod.Truncate(time.Second).After(since)
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

// acceptsGzip reports whether the client takes gzip (RFC 9110 12.5.3): a
// gzip entry decides, else a "*" entry; either with q=0 refuses.
func acceptsGzip(r *http.Request) bool {
	star := -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		params := strings.Split(part, ";")
		coding := strings.ToLower(strings.TrimSpace(params[0]))
		q := 1.0
		for _, p := range params[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight is no consent
				}
				q = f
			}
		}
		switch coding {
		case "gzip":
			return q > 0
		case "*":
			star = q
		}
	}
	return star > 0
}

// stallWriter returns w with each write of up to writeChunk bytes given
// writeStall to reach the client, so that a client that stops reading
// frees its connection, while one that reads slowly but steadily is served
// up to writeTimeout.
func stallWriter(w http.ResponseWriter) http.ResponseWriter {
	return &stalling{ResponseWriter: w, rc: http.NewResponseController(w), end: time.Now().Add(writeTimeout)}
}

type stalling struct {
	http.ResponseWriter
	rc  *http.ResponseController
	end time.Time
}

func (s *stalling) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(len(b), writeChunk)
		d := time.Now().Add(writeStall)
		if d.After(s.end) {
			d = s.end
		}
		s.rc.SetWriteDeadline(d)
		m, err := s.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		b = b[k:]
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (s *stalling) Unwrap() http.ResponseWriter { return s.ResponseWriter }
