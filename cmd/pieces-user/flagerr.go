package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// flagError rewrites an error of fs.Parse in the form the rest of the
// program speaks: flags named --name, and for a bad value the form that is
// expected, such as `--timeout: invalid duration "5": use a unit, such as
// 5s or 1m`. flag.ErrHelp and nil pass through, and so does a message of
// package flag that is none of those it is known to write (their wording
// has not changed since Go 1).
func flagError(fs *flag.FlagSet, err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("unknown flag --%s", strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		name = strings.TrimLeft(name, "-")
		return fmt.Errorf("--%s needs a value%s", name, expected(fs.Lookup(name), ", "))
	}
	value, name, cause, ok := parseBadValue(msg)
	if !ok {
		return err
	}
	switch kindOf(fs.Lookup(name)) {
	case "duration":
		return fmt.Errorf("--%s: invalid duration %s: %s", name, value, durationHint)
	case "number":
		return fmt.Errorf("--%s: invalid number %s: want a whole number, such as 2", name, value)
	case "boolean":
		return fmt.Errorf("--%s: invalid value %s: want true or false (--%s alone means true)", name, value, name)
	}
	// A flag with its own parser explains the value itself.
	return fmt.Errorf("--%s: %s", name, cause)
}

// parseBadValue takes apart the message package flag writes when a value
// does not parse: `invalid value "V" for flag -NAME: CAUSE`, or `invalid
// boolean value "V" for -NAME: CAUSE`. value keeps its quotes.
func parseBadValue(msg string) (value, name, cause string, ok bool) {
	rest, found := strings.CutPrefix(msg, "invalid value ")
	if !found {
		if rest, found = strings.CutPrefix(msg, "invalid boolean value "); !found {
			return "", "", "", false
		}
	}
	value, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", "", "", false
	}
	rest = rest[len(value):]
	if r, found := strings.CutPrefix(rest, " for flag "); found {
		rest = r
	} else if rest, found = strings.CutPrefix(rest, " for "); !found {
		return "", "", "", false
	}
	name, cause, found = strings.Cut(strings.TrimLeft(rest, "-"), ": ")
	return value, name, cause, found && name != ""
}

// durationHint says how to write a duration on the command line.
const durationHint = "use a unit, such as 5s or 1m"

// kindOf names the type of value f takes, for the flags whose parser is
// package flag's; "" for the others.
func kindOf(f *flag.Flag) string {
	if f == nil {
		return ""
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case time.Duration:
		return "duration"
	case int, int64, uint, uint64:
		return "number"
	case bool:
		return "boolean"
	}
	return ""
}

// expected describes the value f takes, after sep; "" when there is
// nothing useful to say.
func expected(f *flag.Flag, sep string) string {
	switch kindOf(f) {
	case "duration":
		return sep + "a duration: " + durationHint
	case "number":
		return sep + "a whole number"
	}
	if f != nil {
		if name, _ := flag.UnquoteUsage(f); name != "" && name != "value" {
			return sep + strings.ToUpper(name)
		}
	}
	return ""
}
