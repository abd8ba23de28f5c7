//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sentiment/assets"
	"sentiment/imaging"
)

// TestMain lets the test binary run as the command itself (for peak
// memory and signals, which need a process of their own): with
// SENTIMENT_TEST_MAIN set it runs the command named after "--", and then
// writes its peak resident memory (VmHWM, in kB) to the file
// SENTIMENT_TEST_PEAK names, if set; with SENTIMENT_TEST_HOLD=STAGE it
// says "stage STAGE" on stderr when the transfer reaches that stage and
// waits there for ever.
func TestMain(m *testing.M) {
	if os.Getenv("SENTIMENT_TEST_MAIN") == "" {
		os.Exit(m.Run())
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	if hold := os.Getenv("SENTIMENT_TEST_HOLD"); hold != "" {
		stage = func(s string) {
			if s == hold {
				os.Stderr.WriteString("\nstage " + s + "\n")
				select {}
			}
		}
	}
	code := commands[args[0]].run(args[1:])
	if peak := os.Getenv("SENTIMENT_TEST_PEAK"); peak != "" {
		// Its own, not the rusage's: a child's ru_maxrss starts from
		// its parent's resident memory at the fork.
		status, _ := os.ReadFile("/proc/self/status")
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				os.WriteFile(peak, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
			}
		}
	}
	os.Exit(code)
}

// asCommand returns the test binary run as `sentiment args...`.
func asCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "SENTIMENT_TEST_MAIN=1")
	return cmd
}

// resized writes the photo at path resized to w×h as a JPEG in a
// temporary folder and returns its path.
func resized(t *testing.T, path string, w, h int) string {
	t.Helper()
	m, _, err := imaging.DecodeFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	if err := imaging.EncodeJPEG(&jpg, imaging.Resize(m, w, h), 90); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(out, jpg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// peakRSS runs a transfer of photo in a process of its own and returns
// its peak resident memory in bytes.
func peakRSS(t *testing.T, photo, ref string) int64 {
	t.Helper()
	dir := t.TempDir()
	peak := filepath.Join(dir, "peak")
	cmd := asCommand("transfer", "-in", photo, "-ref", ref, "-out", filepath.Join(dir, "out.jpg"), "-size", "64", "-iters", "2")
	cmd.Env = append(cmd.Env, "SENTIMENT_TEST_PEAK="+peak)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("transfer %s: %v: %s", photo, err, stderr.String())
	}
	b, err := os.ReadFile(peak)
	if err != nil && runtime.GOOS != "linux" {
		t.Skipf("no peak memory from /proc/self/status: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	kb, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		t.Fatalf("VmHWM %q: %v", b, err)
	}
	return kb << 10
}

// TestFullSizeMemory: what a transfer holds grows with the photo by about
// 8 bytes a pixel (the photo and its result at 8 bits), so that a photo of
// imaging.MaxPixels (100 megapixels) is transferred in at most 1.5 GB. It
// took 45 bytes a pixel (4.5 GB) with the photo, its result and their
// scoring in floats.
func TestFullSizeMemory(t *testing.T) {
	large, err := assets.Path("", "inputs/large/bud-zion-full.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	// The same photo at a quarter of its pixels: what does not grow with
	// the photo (the network, the optimization) is the same in both.
	small := resized(t, large, 1920, 1280)
	pixels := func(p string) float64 {
		m, _, err := imaging.DecodeFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return float64(m.W * m.H)
	}
	ps, pl := pixels(small), pixels(large)
	rs, rl := peakRSS(t, small, ref), peakRSS(t, large, ref)
	perPixel := float64(rl-rs) / (pl - ps)
	at100 := float64(rs) + perPixel*imaging.MaxPixels
	t.Logf("peak RSS %.0f MB at %.1f MP, %.0f MB at %.1f MP: %.1f bytes a pixel, %.2f GB at %d MP",
		float64(rs)/1e6, ps/1e6, float64(rl)/1e6, pl/1e6, perPixel, at100/1e9, imaging.MaxPixels/1000000)
	if at100 > 1.5e9 {
		t.Errorf("%.1f bytes a pixel: %.2f GB for a photo of %d MP, want at most 1.5", perPixel, at100/1e9, imaging.MaxPixels/1000000)
	}
}

// TestCancelFullSize: a Ctrl-C during the full-size apply, the scoring or
// the encoding stops the command at once, with "cancelled", leaving the
// outputs as they were: it used to finish the apply and the scoring first
// (17 s at 100 megapixels). "At once" is within a second and within a
// third of the stage's time in an uncancelled run of the same photo (it
// had three quarters left).
func TestCancelFullSize(t *testing.T) {
	large, err := assets.Path("", "inputs/large/bud-zion-full.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	// A 3-megapixel photo: its stages take a few hundred milliseconds.
	photo := resized(t, large, 2112, 1408)
	defer func(s func(string)) { stage = s }(stage)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jpg")
	args := []string{"-in", photo, "-ref", ref, "-out", out, "-size", "64", "-iters", "1"}
	// The stages' times, uncancelled.
	var order []string
	at := map[string]time.Time{}
	stage = func(s string) { order = append(order, s); at[s] = time.Now() }
	if code, _, stderr := runTransfer(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	took := map[string]time.Duration{}
	for i, s := range order[:len(order)-1] {
		took[s] = at[order[i+1]].Sub(at[s])
	}
	if err := os.WriteFile(out, []byte("the old result"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"apply", "score", "encode"} {
		// The cancel comes a quarter into the stage.
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var cancelled time.Time
		stage = func(at string) {
			if at == s {
				time.AfterFunc(took[s]/4, func() {
					mu.Lock()
					cancelled = time.Now()
					mu.Unlock()
					cancel()
				})
			}
		}
		var stderr bytes.Buffer
		code := transferCmd(ctx, args, &bytes.Buffer{}, &stderr)
		mu.Lock()
		late := time.Since(cancelled)
		mu.Unlock()
		cancel()
		t.Logf("%s: stopped %v after the cancel; uncancelled it takes %v", s, late, took[s])
		if code != exitFailed || !strings.HasSuffix(stderr.String(), "sentiment transfer: cancelled\n") {
			t.Errorf("cancelled in %s: exit %d, %q", s, code, stderr.String())
		}
		// (50 ms for a busy machine's scheduling.)
		if late > time.Second || late > max(took[s]/3, 50*time.Millisecond) {
			t.Errorf("cancelled a quarter into %s: stopped %v later; the stage takes %v", s, late, took[s])
		}
		if b, _ := os.ReadFile(out); string(b) != "the old result" {
			t.Errorf("cancelled in %s: the output changed", s)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("left %d files", len(es))
	}
}

// TestSecondSignal: a first SIGTERM asks the command to stop; a second
// ends it at once, whatever it is doing (it was ignored).
func TestSecondSignal(t *testing.T) {
	photo, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.jpg")
	cmd := asCommand("transfer", "-in", photo, "-ref", photo, "-out", out, "-size", "48", "-iters", "1")
	cmd.Env = append(cmd.Env, "SENTIMENT_TEST_HOLD=score") // as if the scoring took for ever
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	held := make(chan bool, 1)
	done := make(chan error, 1)
	go func() {
		for lines.Scan() {
			if lines.Text() == "stage score" {
				held <- true
			}
		}
		done <- cmd.Wait()
	}()
	select {
	case <-held:
	case err := <-done:
		t.Fatalf("ended before the scoring: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("not at the scoring after a minute")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		t.Fatalf("ended on the first signal, held in a stage: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Errorf("ended %v, want by the second SIGTERM", cmd.ProcessState)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after a second SIGTERM")
	}
}

// BenchmarkTransferFullSize transfers a large photo with the default
// preset in a process of its own and reports its time, CPU time and peak
// memory: the assets' 3840×2560 photo, or the one SENTIMENT_BENCH_PHOTO
// names (a 10000×10000 one for the figures at imaging.MaxPixels).
func BenchmarkTransferFullSize(b *testing.B) {
	photo := os.Getenv("SENTIMENT_BENCH_PHOTO")
	if photo == "" {
		var err error
		if photo, err = assets.Path("", "inputs/large/bud-zion-full.jpg"); err != nil {
			b.Fatal(err)
		}
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var peak, cpu float64
	for b.Loop() {
		cmd := asCommand("transfer", "-in", photo, "-ref", ref, "-out", filepath.Join(dir, "out.jpg"))
		cmd.Env = append(cmd.Env, "SENTIMENT_TEST_PEAK="+filepath.Join(dir, "peak"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v: %s", err, stderr.String())
		}
		kb, _ := os.ReadFile(filepath.Join(dir, "peak"))
		v, _ := strconv.ParseFloat(string(kb), 64)
		peak = max(peak, v/1024)
		cpu += (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	b.ReportMetric(peak, "peak-MB")
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}
