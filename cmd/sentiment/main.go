// Command sentiment is the native command line of the sentiment transfer
// tool: it classifies photos, retrieves references and transfers moods with
// the same engine the web page runs in WebAssembly.
//
// Each subcommand lives in a file of its own and registers itself in
// commands from an init function.
package main

import (
	"fmt"
	"os"
	"sort"
)

// command is one subcommand: run gets the arguments after its name and
// returns the process exit code.
type command struct {
	summary string
	run     func(args []string) int
}

var commands = map[string]command{}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]].run == nil {
		usage()
		os.Exit(2)
	}
	os.Exit(commands[os.Args[1]].run(os.Args[2:]))
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sentiment COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
}
