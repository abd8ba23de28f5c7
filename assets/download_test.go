//go:build !js

package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

// TestFetchDownloads serves a file on loopback: a download whose hash
// matches is kept in the cache and found there the next time; one whose
// hash differs is refused and not kept.
func TestFetchDownloads(t *testing.T) {
	data := []byte("model bytes")
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write(data)
	}))
	defer srv.Close()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	empty := t.TempDir()
	sum := sha256.Sum256(data)
	good := Remote{Rel: "models/good.bin", URL: srv.URL + "/good", SHA256: hex.EncodeToString(sum[:])}
	p, err := Fetch(empty, good)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(p); err != nil || string(got) != string(data) {
		t.Fatalf("downloaded %q, %v", got, err)
	}
	if _, err := Fetch(empty, good); err != nil || hits != 1 {
		t.Errorf("second fetch: %v after %d downloads, want the cached copy", err, hits)
	}
	bad := Remote{Rel: "models/bad.bin", URL: srv.URL + "/bad", SHA256: "00" + good.SHA256[2:]}
	if _, err := Fetch(empty, bad); !errors.Is(err, ErrNotFound) {
		t.Fatalf("tampered download: %v", err)
	}
	if _, err := Fetch(empty, bad); hits != 3 || err == nil {
		t.Errorf("a refused download was kept (%d downloads)", hits)
	}
}
