package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// This file is the flag handling every command shares: flags and
// arguments in any order, usage errors with a hint.

// command is a subcommand's flag set with its one-line synopsis.
type command struct {
	*flag.FlagSet
	name, synopsis string
	out            io.Writer
}

func (c *cli) newCommand(name, synopsis string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by parse, help by usage
	return &command{FlagSet: fs, name: name, synopsis: synopsis, out: c.stdout}
}

// parse parses flags and positional arguments in any order (flag stops
// at the first positional argument; commands take theirs first) and checks
// the number of positional arguments.
func (cmd *command) parse(args []string, positional int) ([]string, error) {
	var rest []string
	for {
		if err := cmd.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				cmd.usage()
				return nil, err
			}
			msg := strings.Replace(err.Error(), "flag provided but not defined: ", "unknown flag ", 1)
			return nil, usageErr(cmd.name+": "+msg, fmt.Sprintf("run \"tlsplay %s -h\" for its flags", cmd.name))
		}
		left := cmd.Args()
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			rest = append(rest, left...) // after "--", everything is an argument
			break
		}
		if len(left) == 0 {
			break
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
	if len(rest) != positional {
		what := map[int]string{0: "no arguments", 1: "one argument"}[positional]
		msg := fmt.Sprintf("%s takes %s, got %d", cmd.name, what, len(rest))
		if len(rest) > positional {
			msg = fmt.Sprintf("%s: unexpected argument %q", cmd.name, rest[positional])
		}
		return nil, usageErr(msg, "usage: tlsplay "+cmd.synopsis)
	}
	return rest, nil
}

func (cmd *command) usage() {
	fmt.Fprintf(cmd.out, "usage: tlsplay %s\n\nflags:\n", cmd.synopsis)
	cmd.SetOutput(cmd.out)
	cmd.PrintDefaults()
	cmd.SetOutput(io.Discard)
}

// splitList reads a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// set reports whether the flag was given on the command line.
func set(cmd *command, name string) bool {
	found := false
	cmd.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}
