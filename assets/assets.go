// Package assets finds the data the project builds from and tests against:
// the model, its labels and test photos, the reference photos and the input
// photos. None of it is part of the repository.
//
// The assets folder is looked for, in order, at the path a command's -assets
// flag gives, at $SENTIMENT_ASSETS, and at ../shared/assets beside the
// module root. A model file that is nowhere is downloaded from its canonical
// address into the user's cache and checked against its sha256.
package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sentiment/internal/infile"
)

// EnvVar names the environment variable that points at the assets folder.
const EnvVar = "SENTIMENT_ASSETS"

// ErrNotFound is returned (wrapped) when no assets folder or file is found.
var ErrNotFound = errors.New("assets not found")

// Root returns the assets folder: dir if non-empty, else $SENTIMENT_ASSETS,
// else ../shared/assets beside the module root (found by walking up from the
// working directory to go.mod).
func Root(dir string) (string, error) {
	if dir != "" {
		return existingDir(dir, "the -assets flag")
	}
	if env := os.Getenv(EnvVar); env != "" {
		return existingDir(env, "$"+EnvVar)
	}
	if mod, err := moduleRoot(); err == nil {
		if d, err := existingDir(filepath.Join(mod, "..", "shared", "assets"), "../shared/assets"); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: pass -assets DIR or set %s to the folder holding models/, refs/ and inputs/ (none at ../shared/assets beside the project)", ErrNotFound, EnvVar)
}

// Path returns the path of rel (such as "models/cat.bmp") inside the assets
// folder that Root(dir) finds, after checking that the file exists.
func Path(dir, rel string) (string, error) {
	root, err := Root(dir)
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: %s is not in the assets folder %s", ErrNotFound, rel, root)
	}
	return p, nil
}

// A Remote is a file with a canonical download address and its sha256.
type Remote struct {
	Rel string // path inside the assets folder, such as "models/squeezenet_v1.1.bin"
	URL string
	// SHA256 is the hex digest, or a prefix of it where only that is
	// published (torchvision names its files with the first 8 digits).
	SHA256 string
}

// SqueezeNet is the Keras.js SqueezeNet 1.1 the demo ships.
var SqueezeNet = Remote{
	Rel:    "models/squeezenet_v1.1.bin",
	URL:    "https://github.com/transcranial/keras-js-demos-data/raw/d9ec2916cf2e36035d527532c37c76387c86c484/squeezenet_v1.1/squeezenet_v1.1.bin",
	SHA256: "84dee9b31d99b0b7babb9db5494f06599f0359129e6b765fe9f4fe9e1c72ed41",
}

// Labels are ImageNet's class names, line 0 "background".
var Labels = Remote{
	Rel:    "models/imagenet_labels.txt",
	URL:    "https://raw.githubusercontent.com/google-coral/test_data/104342d2d3480b3e66203073dac24f4e2dbb4c41/imagenet_labels.txt",
	SHA256: "b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1",
}

// DenseNet121 is torchvision's ImageNet DenseNet121.
var DenseNet121 = Remote{
	Rel:    "models/densenet121-a639ec97.pth",
	URL:    "https://download.pytorch.org/models/densenet121-a639ec97.pth",
	SHA256: "a639ec97",
}

// Keras's DenseNet121 in the TF.js layers format, a folder
// (../shared/assets/README.md), with the sha256s that README publishes for
// its model.json and for its weight files concatenated in manifest order
// (convert.TFJSDigest). It has no download address.
const (
	DenseNet121TFJS              = "models/densenet121-tfjs"
	DenseNet121TFJSModelSHA256   = "fd2f99bc2d4fd34b3f0ba57f13697b8b5e5e524c03351504b9249b5680790334"
	DenseNet121TFJSWeightsSHA256 = "15a6b7df64a7a3314cfde357bed514d8e367ad76f5239f5c5d29c0c202baa700"
)

// Fetch returns a local path for r: the assets folder's copy when there is
// one, else a copy in the user's cache, downloaded and checked against r's
// sha256 if it is not there yet. A download whose hash differs is deleted and
// refused.
func Fetch(dir string, r Remote) (string, error) {
	if p, err := Path(dir, r.Rel); err == nil {
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	p := filepath.Join(cache, "sentiment", filepath.FromSlash(r.Rel))
	if ok, _ := hasHash(p, r.SHA256); ok {
		return p, nil
	}
	if err := download(p, r); err != nil {
		return "", fmt.Errorf("%w: %s is not in the assets folder and could not be downloaded (%v); download %s yourself and pass -assets DIR or set %s to the folder holding %s", ErrNotFound, r.Rel, err, r.URL, EnvVar, r.Rel)
	}
	return p, nil
}

// CheckHash reports whether the file at path has the given hex sha256 (or
// a digest starting with the given prefix).
func CheckHash(path, want string) error {
	ok, err := hasHash(path, want)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s: sha256 differs from the expected %s", path, want)
	}
	return nil
}

func hasHash(path, want string) (bool, error) {
	// A model of the assets is tens of megabytes; a FIFO or a device in
	// its place must not hang or run on.
	f, err := infile.Open(path, "model file", 1<<30)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return want != "" && strings.HasPrefix(hex.EncodeToString(h.Sum(nil)), want), nil
}

func existingDir(dir, from string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return "", fmt.Errorf("%w: %s names %s, which is not a folder", ErrNotFound, from, dir)
	}
	return filepath.Abs(dir)
}

func moduleRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod above the working directory")
		}
		d = parent
	}
}
