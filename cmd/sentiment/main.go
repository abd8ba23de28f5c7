// Command sentiment is the native command line of the sentiment transfer
// tool: it classifies photos, retrieves references and transfers moods with
// the same engine (package engine) the web page runs in WebAssembly. It
// only reads flags, calls the engine and writes what it returns.
//
// Each subcommand lives in a file of its own and registers itself in
// commands from an init function. Exit codes: 0 success, 1 the work failed
// (the machine, a damaged model), 2 bad usage or input (flags, photos,
// files named on the command line).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"sentiment/engine"
)

// command is one subcommand: run gets the arguments after its name and
// returns the process exit code.
type command struct {
	summary string
	run     func(args []string) int
}

var commands = map[string]command{}

// Exit codes of every command.
const (
	exitFailed = 1 // the work could not be done
	exitUsage  = 2 // bad flags or input
)

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]].run == nil {
		usage()
		os.Exit(exitUsage)
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

// interrupted returns a context cancelled by the first Ctrl-C or SIGTERM,
// after which the signals have their default action again, so that a
// second one ends the process at once, whatever it is doing.
func interrupted() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// reporter prints a command's errors and warnings to stderr, prefixed with
// the command's name.
type reporter struct {
	name   string
	stderr io.Writer
}

// fail prints err and returns the exit code that fits it: exitUsage for
// the caller's errors (engine.IsBadInput), else code. A run stopped by
// Ctrl-C or SIGTERM says so in words.
func (r reporter) fail(code int, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(r.stderr, "sentiment %s: cancelled\n", r.name)
		return code
	}
	fmt.Fprintf(r.stderr, "sentiment %s: %v\n", r.name, err)
	if engine.IsBadInput(err) {
		return exitUsage
	}
	return code
}

// warn prints a warning.
func (r reporter) warn(msg string) { fmt.Fprintf(r.stderr, "sentiment %s: %s\n", r.name, msg) }
