// Command tlsplay is the terminal edition of the TLS Playground: the same
// engine as the page, for classrooms and scripts.
//
//	tlsplay handshake [--mode classic|ecdhe|tls13] [--json] ...
//	tlsplay connect HOST:PORT [--mode tls13|ecdhe|classic] [--request TEXT] ...
//	tlsplay serve ADDR [--mode tls13|ecdhe|classic] [--once] ...
//	tlsplay web [ADDR] [--no-open]
//	tlsplay explain FILE [--keylog FILE] [--summary]
//	tlsplay glossary
//
// handshake plays both ends in one process, as the page does, and prints
// the seven steps with every value (--json: the session export, the same
// file as the page's Export button). connect runs the engine's client
// against any TLS server; serve runs the engine's server for openssl
// s_client, curl or a browser. Each prints the trace events the page shows;
// with --pcapng FILE each writes its connection(s) as a capture with the key
// log inside, which Wireshark and tshark open decrypted. handshake --bytes
// prints every record byte by byte through the analyzer. explain reads a
// capture (pcap, pcapng) or a session export, with its key log, and prints
// each TLS connection: every record's fields, decrypted, and the Finished
// checks. glossary prints the terms the steps use.
//
// Exit status: 0 on success, 1 when a connection or handshake fails (one
// line on standard error says what failed), 2 for bad flags or arguments.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"tlsplayground/playground/pki"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// cli holds what the commands are given from outside: the clock and the
// way a certificate authority and server identity are made. Tests fix both.
type cli struct {
	now      func() time.Time
	newSetup func(pki.Options) (*pki.Setup, error)
	stdout   io.Writer
	stderr   io.Writer
}

// run runs the command line args (without the program name) and returns
// the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{now: time.Now, newSetup: publicSetup, stdout: stdout, stderr: stderr}
	return c.run(args)
}

// publicSetup is pki.NewSetup as a public CA issues: from an intermediate,
// with two embedded SCTs and a good OCSP response to staple.
func publicSetup(o pki.Options) (*pki.Setup, error) {
	o.Intermediate, o.CT, o.OCSP = true, true, true
	return pki.NewSetup(o)
}

const usage = `tlsplay is the TLS Playground engine in a terminal.

Usage:
    tlsplay handshake [flags]         run a client and a server in this process and print the seven steps
    tlsplay connect HOST:PORT [flags] run the engine's client against a TLS server
    tlsplay serve ADDR [flags]        run the engine's server (for openssl s_client, curl, a browser)
    tlsplay web [ADDR] [--no-open]    serve the playground's page on this machine and open it (a classroom without network)
    tlsplay explain FILE [flags]      explain a capture (pcap, pcapng) or a session export, record by record, decrypted with its key log
    tlsplay glossary                  print the terms the steps use, each with its RFC sections

Run "tlsplay COMMAND -h" for a command's flags.
`

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		return c.fail(usageErr("no command given", "choose handshake, connect, serve, web, explain or glossary; run \"tlsplay -h\" for help"))
	}
	var err error
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, usage)
		return 0
	case "handshake":
		err = c.handshake(args[1:])
	case "connect":
		err = c.connect(args[1:])
	case "serve":
		err = c.serve(args[1:])
	case "web":
		err = c.web(args[1:])
	case "explain":
		err = c.explain(args[1:])
	case "glossary":
		err = c.glossary(args[1:])
	default:
		err = usageErr(fmt.Sprintf("unknown command %q", args[0]), "choose handshake, connect, serve, web, explain or glossary; run \"tlsplay -h\" for help")
	}
	return c.fail(err)
}

// fail reports err on standard error and returns the exit status for it.
func (c *cli) fail(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "tlsplay: %s\n", oneLine(ue.msg))
		for _, h := range ue.hints {
			fmt.Fprintf(c.stderr, "tlsplay: hint: %s\n", h)
		}
		return 2
	}
	fmt.Fprintf(c.stderr, "tlsplay: %s\n", oneLine(err.Error()))
	return 1
}

// usageError is a bad flag or argument: exit status 2, with hints.
type usageError struct {
	msg   string
	hints []string
}

func (e *usageError) Error() string { return e.msg }

func usageErr(msg string, hints ...string) error { return &usageError{msg: msg, hints: hints} }

// oneLine keeps a message on one line of the terminal.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
