// Command cpubench measures the CPU time of one handshake, the engine's and
// crypto/tls's, from the benchmarks of playground/session (BenchmarkHandshake
// and BenchmarkCryptoTLSHandshake, the same handshakes with the same key and
// chain). Wall time on a shared machine is noise; CPU time is inflated least
// by other work. It compiles the package's test binary once per source tree,
// then, for each handshake and each tree, runs the binary with -benchtime 2N
// and N and takes the difference of the process's user+sys time over N (what
// both runs share, process start and the setup of keys and certificates,
// cancels out). Trees and rounds are interleaved; the table holds medians.
//
// Under Node (-wasm) no CPU time can be read apart from V8's compiling, so
// -wasm (or -ratio, natively) runs BenchmarkHandshakeRatio instead: the
// engine and crypto/tls in turns, batch by batch in one process, and prints
// the median ratio of their times.
//
// With -instructions it counts the instructions executed instead (valgrind's
// cachegrind, natively only): a count that other work on the machine does
// not inflate, and so repeatable on a busy machine where CPU time is not
// (it leaves out what memory stalls cost). The garbage collector still
// moves it: a cycle costs millions of instructions, and whether the 2N run
// holds one more cycle than twice the N run's shifts the per-handshake
// figure by up to 1-2 % at -n 60-100 (the same code measured 5,118 k and
// 5,229 k on tls13-ecdsa-x25519). To tell 1 % apart, take -rounds 3 (the
// median) or a larger -n.
//
//	go run ./scripts/cpubench                      # this tree, native
//	go run ./scripts/cpubench -wasm                # Go wasm under Node: ratios, built as the page's engine is (scripts/wasm-gcflags)
//	go run ./scripts/cpubench -trees .,/tmp/base   # before/after, interleaved
//	go run ./scripts/cpubench -cases 'tls13-ecdsa' -n 300 -rounds 7
//	go run ./scripts/cpubench -instructions -trees .,/tmp/base
//	go run ./scripts/cpubench -engine BenchmarkHandshakeExport   # with the page's JSON export
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cases are BenchmarkHandshake's sub-benchmarks (playground/session/bench_test.go).
var cases = []string{"classic-rsa2048", "ecdhe-rsa2048-x25519", "tls13-rsa2048-x25519", "tls13-ecdsa-x25519", "tls13-ecdsa-mlkem"}

func main() {
	trees := flag.String("trees", ".", "comma-separated source trees to compare (each a checkout of this repository)")
	wasm := flag.Bool("wasm", false, "build for GOOS=js GOARCH=wasm and run under Node, as the page's engine runs")
	n := flag.Int("n", 0, "handshakes per measurement (default 200; 100 with -instructions); with -wasm or -ratio, batches of 10 of each (default 16)")
	rounds := flag.Int("rounds", 5, "measurements per handshake, tree and implementation; the median is printed")
	match := flag.String("cases", ".", "regexp: which handshakes")
	verbose := flag.Bool("v", false, "print every measurement")
	engineBench := flag.String("engine", "BenchmarkHandshake", "the engine's benchmark: BenchmarkHandshake, or BenchmarkHandshakeExport (the session exported to JSON too, as the page does)")
	instructions := flag.Bool("instructions", false, "count instructions under valgrind (native only) instead of CPU time")
	ratio := flag.Bool("ratio", false, "time the engine and crypto/tls in turns in one process (BenchmarkHandshakeRatio); always so with -wasm")
	gcflagsFile := flag.String("gcflags-file", "scripts/wasm-gcflags", "with -wasm: the compiler flags the page's engine is built with (one -gcflags value a line, as scripts/build.sh reads them), applied to every tree; empty for Go's defaults")
	flag.Parse()
	if *instructions && *wasm {
		log.Fatal("-instructions counts native code only")
	}
	if *instructions && !flagSet("rounds") {
		*rounds = 1 // a count varies only with where GC cycles fall (see above)
	}
	if *n == 0 {
		switch {
		case *instructions:
			*n = 100
		case *wasm || *ratio:
			*n = 16 // batches of 10 handshakes of each
		default:
			*n = 200
		}
	}
	re, err := regexp.Compile(*match)
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "cpubench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	var pageFlags []string // -gcflags arguments
	if *wasm && *gcflagsFile != "" {
		b, err := os.ReadFile(*gcflagsFile)
		if err != nil {
			log.Fatalf("reading the page's compiler flags: %v (-gcflags-file \"\" builds with Go's defaults)", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				pageFlags = append(pageFlags, "-gcflags="+line)
			}
		}
		fmt.Printf("Go wasm built with the page's compiler flags (%s): %s\n\n", *gcflagsFile, strings.Join(pageFlags, " "))
	}

	dirs := strings.Split(*trees, ",")
	bins := make([]string, len(dirs))
	for i, d := range dirs {
		bins[i] = filepath.Join(tmp, fmt.Sprintf("session%d.test", i))
		args := []string{"test", "-c", "-o", bins[i]}
		if *wasm {
			args = append(args, pageFlags...)
		}
		cmd := exec.Command("go", append(args, "./playground/session")...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = d, os.Stderr, os.Stderr
		if *wasm {
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		}
		if err := cmd.Run(); err != nil {
			log.Fatalf("building the test binary in %s: %v", d, err)
		}
	}

	for t, d := range dirs {
		bin := bins[t]
		if *wasm {
			bin = "" // TestBenchAlike talks over loopback TCP: natively only
		}
		alike(d, bin, chosen(re))
	}

	if *wasm || *ratio {
		ratios(bins, dirs, chosen(re), *wasm, *n, *rounds, *verbose)
		return
	}

	impls := []string{*engineBench, "BenchmarkCryptoTLSHandshake"}
	// cpu[tree][case][impl] is the list of µs per handshake, one per round.
	cpu := map[string][]float64{}
	key := func(t int, c, impl string) string { return fmt.Sprint(t, c, impl) }
	for r := 0; r < *rounds; r++ {
		for _, c := range chosen(re) {
			for t, bin := range bins {
				for _, impl := range impls {
					bench := "^" + impl + "$/^" + c + "$"
					var us float64
					if *instructions {
						us = float64(count(bin, dirs[t], bench, 2**n)-count(bin, dirs[t], bench, *n)) / float64(*n) / 1000
					} else {
						big, small := run(bin, dirs[t], bench, 2**n), run(bin, dirs[t], bench, *n)
						us = float64((big - small).Microseconds()) / float64(*n)
					}
					cpu[key(t, c, impl)] = append(cpu[key(t, c, impl)], us)
					if *verbose {
						fmt.Fprintf(os.Stderr, "%s %s %s: %.0f %s\n", dirs[t], c, impl, us, unit(*instructions))
					}
				}
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, *rounds)
	}

	where := "native"
	if *instructions {
		fmt.Printf("Instructions per handshake (thousands, valgrind cachegrind, median of %d; %d handshakes per measurement), %s\n\n", *rounds, *n, where)
	} else {
		fmt.Printf("CPU time per handshake (user+sys, µs, median of %d; %d handshakes per measurement), %s\n\n", *rounds, *n, where)
	}
	fmt.Print("| handshake |")
	for _, d := range dirs {
		fmt.Printf(" engine (%s) | ratio to crypto/tls |", d)
	}
	fmt.Println(" crypto/tls |")
	fmt.Print("|---|")
	for range dirs {
		fmt.Print("---|---|")
	}
	fmt.Println("---|")
	for _, c := range chosen(re) {
		var std []float64
		for t := range dirs {
			std = append(std, cpu[key(t, c, impls[1])]...)
		}
		s := median(std)
		fmt.Printf("| %s |", c)
		for t := range dirs {
			e := median(cpu[key(t, c, impls[0])])
			fmt.Printf(" %.0f | %.2f× |", e, e/s)
		}
		fmt.Printf(" %.0f |\n", s)
	}
}

// alike prints what the engine and crypto/tls negotiate in each handshake
// measured, and what else differs between them, from TestBenchAlike's log
// (playground/session/bench_alike_test.go), which fails when the two do not
// negotiate the same version, suite, group, signature scheme, chain and
// messages. bin is the tree's native test binary, or "" to build one.
func alike(tree, bin string, chosen []string) {
	args := []string{"-test.run", "^TestBenchAlike$", "-test.v"}
	cmd := exec.Command(bin, args...)
	if bin == "" {
		cmd = exec.Command("go", "test", "-count=1", "-run", "^TestBenchAlike$", "-v", "./playground/session")
		cmd.Dir = tree
	} else {
		cmd.Dir = filepath.Join(tree, "playground", "session")
	}
	out, err := cmd.CombinedOutput()
	rows := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if _, rest, ok := strings.Cut(line, "alike\t"); ok {
			if f := strings.Split(rest, "\t"); len(f) == 4 {
				rows[f[0]] = f[1:]
			}
		}
	}
	fmt.Printf("What each side negotiates (%s, TestBenchAlike)\n\n", tree)
	if len(rows) == 0 {
		fmt.Printf("(no TestBenchAlike in this tree: %v)\n\n", err)
		return
	}
	if err != nil {
		fmt.Printf("TestBenchAlike FAILED: the engine and crypto/tls do not do the same handshake (go test -run TestBenchAlike -v ./playground/session)\n\n")
	}
	fmt.Println("| handshake | engine | crypto/tls | also differs |")
	fmt.Println("|---|---|---|---|")
	for _, c := range chosen {
		if r := rows[c]; r != nil {
			fmt.Printf("| %s | %s | %s | %s |\n", c, r[0], r[1], r[2])
		}
	}
	fmt.Println()
}

// chosen returns the cases that re matches.
func chosen(re *regexp.Regexp) []string {
	var out []string
	for _, c := range cases {
		if re.MatchString(c) {
			out = append(out, c)
		}
	}
	return out
}

// ratios runs BenchmarkHandshakeRatio for n batches per measurement and
// prints the median of its engine/crypto-tls figure per tree.
func ratios(bins, dirs, chosen []string, wasm bool, n, rounds int, verbose bool) {
	got := map[string][]float64{}
	metric := regexp.MustCompile(`([\d.]+) engine/crypto-tls`)
	for r := 0; r < rounds; r++ {
		for _, c := range chosen {
			for t, bin := range bins {
				args := []string{"-test.run", "^$", "-test.bench", "^BenchmarkHandshakeRatio$/^" + c + "$", "-test.benchtime", fmt.Sprintf("%dx", n)}
				cmd := exec.Command(bin, args...)
				if wasm {
					cmd = exec.Command("node", append([]string{"--stack-size=8192", "--no-liftoff", nodeExec(), bin}, args...)...)
				}
				cmd.Dir, cmd.Stderr = filepath.Join(dirs[t], "playground", "session"), os.Stderr
				out, err := cmd.Output()
				m := metric.FindSubmatch(out)
				if err != nil || m == nil {
					log.Fatalf("%s %s: %v\n%s", bin, c, err, out)
				}
				v, _ := strconv.ParseFloat(string(m[1]), 64)
				got[fmt.Sprint(t, c)] = append(got[fmt.Sprint(t, c)], v)
				if verbose {
					fmt.Fprintf(os.Stderr, "%s %s: %.3f\n", dirs[t], c, v)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, rounds)
	}
	where := "native"
	if wasm {
		where = "Go wasm in Node (--no-liftoff)"
	}
	fmt.Printf("Engine time / crypto/tls time, taken in turns in one process (BenchmarkHandshakeRatio, %d batches of 10 each), median of %d, %s\n\n", n, rounds, where)
	fmt.Print("| handshake |")
	for _, d := range dirs {
		fmt.Printf(" %s |", d)
	}
	fmt.Print("\n|---|")
	for range dirs {
		fmt.Print("---|")
	}
	fmt.Println()
	for _, c := range chosen {
		fmt.Printf("| %s |", c)
		for t := range dirs {
			fmt.Printf(" %.2f× |", median(got[fmt.Sprint(t, c)]))
		}
		fmt.Println()
	}
}

func nodeExec() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		log.Fatal(err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec_node.js")
}

// run runs one benchmark for n handshakes and returns the process's CPU time.
func run(bin, tree, bench string, n int) time.Duration {
	args := []string{"-test.run", "^$", "-test.bench", bench, "-test.benchtime", fmt.Sprintf("%dx", n)}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join(tree, "playground", "session") // as go test runs it: testdata is relative
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "PASS") {
		log.Fatalf("%s %s: %v\n%s", bin, bench, err, out)
	}
	if !strings.Contains(string(out), "Benchmark") {
		log.Fatalf("%s: no benchmark matched %s", bin, bench)
	}
	st := cmd.ProcessState
	return st.UserTime() + st.SystemTime()
}

// count runs one benchmark for n handshakes under cachegrind and returns the
// instructions the process executed.
func count(bin, tree, bench string, n int) int64 {
	cmd := exec.Command("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
		bin, "-test.run", "^$", "-test.bench", bench, "-test.benchtime", fmt.Sprintf("%dx", n))
	cmd.Dir = filepath.Join(tree, "playground", "session") // as go test runs it: testdata is relative
	// One P: valgrind runs one thread at a time, and idle Ps spinning for
	// work would add a varying count.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		log.Fatalf("valgrind %s %s: %v\n%s", bin, bench, err, out)
	}
	m := regexp.MustCompile(`I\s+refs:\s+([\d,]+)`).FindSubmatch(out)
	if m == nil {
		log.Fatalf("valgrind %s %s: no instruction count in\n%s", bin, bench, out)
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(string(m[1]), ",", ""), 10, 64)
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func unit(instructions bool) string {
	if instructions {
		return "thousand instructions"
	}
	return "µs"
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
