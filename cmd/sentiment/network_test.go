package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/internal/tinynet"
)

// TestThirdNetwork: a network registered from a file of its own
// (internal/tinynet) is in every command's help, and transfer runs on it
// from the assets its entry names.
func TestThirdNetwork(t *testing.T) {
	for name, cmd := range map[string]func([]string, io.Writer, io.Writer) int{
		"classify": classify,
		"retrieve": retrieveCmd,
		"transfer": func(a []string, o, e io.Writer) int { return transferCmd(context.Background(), a, o, e) },
		"eval":     evalCmd,
	} {
		var out, errb bytes.Buffer
		cmd([]string{"-h"}, &out, &errb)
		if !strings.Contains(errb.String(), "squeezenet, densenet121 or tiny") {
			t.Errorf("%s's help lacks the tiny network:\n%s", name, errb.String())
		}
	}
	in, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := tinynet.WriteAssets(dir); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTransfer("-in", in, "-ref", ref, "-backbone", tinynet.Name, "-assets", dir, "-out", filepath.Join(dir, "out.jpg"), "-json")
	var rep struct {
		Backbone   string `json:"backbone"`
		Iterations int    `json:"iterations"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || rep.Iterations != 3 {
		t.Errorf("transfer on the tiny network: exit %d, %s%s", code, stdout, stderr)
	}
}
