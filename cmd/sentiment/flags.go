package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The numeric flags of every command are declared here with their ranges,
// and a value is checked as it is parsed, before anything loads: one out
// of its range, not finite (NaN, Inf) or not a number stops the command
// with exit 2 and a message naming the flag and its range, such as
//
//	invalid value "Inf" for flag -rate: want a number above 0 and at most 1
//
// A flag's default may lie outside its range: it means "the preset's" and
// is never parsed.

// parse parses a command's flags. An error is reported as the command's
// other errors are, on one line, and the caller exits with exitUsage; -h
// prints the flags.
func (r reporter) parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(r.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
	case err != nil:
		fmt.Fprintf(r.stderr, "sentiment %s: %v (-h lists the flags)\n", r.name, err)
	}
	return err
}

// floatFlag is a float64 flag within [min, max], or (min, max] if above.
type floatFlag struct {
	p        *float64
	min, max float64
	above    bool // min itself is excluded
}

// floatVar defines a float64 flag stored in p that takes values from min
// to max, as flag.Float64Var defines one that takes any.
func floatVar(fs *flag.FlagSet, p *float64, name string, value, min, max float64, usage string) {
	defineFloat(fs, name, value, &floatFlag{p: p, min: min, max: max}, usage)
}

// positiveVar defines a float64 flag stored in p that takes values above
// 0 and at most max.
func positiveVar(fs *flag.FlagSet, p *float64, name string, value, max float64, usage string) {
	defineFloat(fs, name, value, &floatFlag{p: p, min: 0, max: max, above: true}, usage)
}

// positive defines a float64 flag that takes values above 0 and at most
// max and returns where it is stored.
func positive(fs *flag.FlagSet, name string, value, max float64, usage string) *float64 {
	p := new(float64)
	positiveVar(fs, p, name, value, max, usage)
	return p
}

// float defines a float64 flag that takes values from min to max and
// returns where it is stored, as flag.Float64 does.
func float(fs *flag.FlagSet, name string, value, min, max float64, usage string) *float64 {
	p := new(float64)
	floatVar(fs, p, name, value, min, max, usage)
	return p
}

func defineFloat(fs *flag.FlagSet, name string, value float64, f *floatFlag, usage string) {
	*f.p = value
	fs.Var(f, name, withRange(usage, f.want()))
}

// withRange adds a flag's range (want without its "want ") to its
// usage, before a closing "(default …)".
func withRange(usage, want string) string {
	// The back quotes name the flag's argument in the usage message.
	want = strings.Replace(strings.TrimPrefix(want, "want "), "number", "`number`", 1)
	if i := strings.LastIndex(usage, " (default"); i >= 0 {
		return usage[:i] + ", " + want + usage[i:]
	}
	return usage + ", " + want
}

// String gives the value, or "" for a default outside the range, which
// stands for the preset's and is not shown as a number.
func (f *floatFlag) String() string {
	if f == nil || f.p == nil || f.Set(strconv.FormatFloat(*f.p, 'g', -1, 64)) != nil {
		return ""
	}
	return strconv.FormatFloat(*f.p, 'g', -1, 64)
}

func (f *floatFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v > f.max || v < f.min || f.above && v == f.min {
		return fmt.Errorf("%s", f.want())
	}
	*f.p = v
	return nil
}

// want says the flag's range.
func (f *floatFlag) want() string {
	if f.above {
		return fmt.Sprintf("want a number above %g and at most %g", f.min, f.max)
	}
	return fmt.Sprintf("want a number from %g to %g", f.min, f.max)
}

// intFlag is an int flag within [min, max].
type intFlag struct {
	p        *int
	min, max int
}

// intVar defines an int flag stored in p that takes whole numbers from
// min to max, as flag.IntVar defines one that takes any.
func intVar(fs *flag.FlagSet, p *int, name string, value, min, max int, usage string) {
	f := &intFlag{p: p, min: min, max: max}
	*f.p = value
	fs.Var(f, name, withRange(usage, f.want()))
}

// integer defines an int flag that takes whole numbers from min to max and
// returns where it is stored, as flag.Int does.
func integer(fs *flag.FlagSet, name string, value, min, max int, usage string) *int {
	p := new(int)
	intVar(fs, p, name, value, min, max, usage)
	return p
}

func (f *intFlag) String() string {
	if f == nil || f.p == nil || *f.p < f.min || *f.p > f.max {
		return ""
	}
	return strconv.Itoa(*f.p)
}

func (f *intFlag) Set(s string) error {
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil || v < int64(f.min) || v > int64(f.max) {
		return fmt.Errorf("%s", f.want())
	}
	*f.p = int(v)
	return nil
}

func (f *intFlag) want() string {
	return fmt.Sprintf("want a whole number from %d to %d", f.min, f.max)
}

// choiceFlag is a string flag that takes one of a list of words.
type choiceFlag struct {
	p     *string
	words []string
}

// choice defines a string flag that takes one of words (its default may
// be another, such as "" for "the preset's") and returns where it is
// stored.
func choice(fs *flag.FlagSet, name, value string, words []string, usage string) *string {
	f := &choiceFlag{p: new(string), words: words}
	*f.p = value
	fs.Var(f, name, withRange(usage, f.want()))
	return f.p
}

func (f *choiceFlag) String() string {
	if f == nil || f.p == nil {
		return ""
	}
	return *f.p
}

func (f *choiceFlag) Set(s string) error {
	if !slices.Contains(f.words, s) {
		return fmt.Errorf("%s", f.want())
	}
	*f.p = s
	return nil
}

func (f *choiceFlag) want() string { return "want one of " + strings.Join(f.words, ", ") }

// floatsFlag is a flag of comma-separated numbers, each within [min, max].
type floatsFlag struct {
	p        *[]float64
	min, max float64
}

// floats defines a flag of comma-separated numbers from min to max and
// returns where they are stored (nil until it is set).
func floats(fs *flag.FlagSet, name string, min, max float64, usage string) *[]float64 {
	f := &floatsFlag{p: new([]float64), min: min, max: max}
	fs.Var(f, name, withRange(usage, f.want()))
	return f.p
}

func (f *floatsFlag) String() string {
	if f == nil || f.p == nil {
		return ""
	}
	var parts []string
	for _, v := range *f.p {
		parts = append(parts, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

func (f *floatsFlag) Set(s string) error {
	var vs []float64
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || !(v >= f.min && v <= f.max) {
			return fmt.Errorf("%q: %s", part, f.want())
		}
		vs = append(vs, v)
	}
	*f.p = vs
	return nil
}

func (f *floatsFlag) want() string {
	return fmt.Sprintf("want comma-separated numbers, each from %g to %g", f.min, f.max)
}
