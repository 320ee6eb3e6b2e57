// Command lines is the program TestStripLines builds for js/wasm and runs
// under Node before and after -strip-lines: it prints where runtime.Caller
// says it is, then does what reads the tables that stay (deep recursion that
// grows and copies the stack, the collector scanning stacks, a recovered
// panic, a traceback of the running goroutine) and prints a checksum of it.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

type node struct {
	next *node
	val  [8]int
}

// deep recurses n frames, allocating on the way, so that the stack grows
// (copied, pointers adjusted by the stack maps) and the collector runs.
func deep(n int, list *node) int {
	if n == 0 {
		runtime.GC()
		sum := 0
		for l := list; l != nil; l = l.next {
			sum += l.val[0]
		}
		return sum
	}
	var pad [64]int // a big frame: the stack grows sooner
	pad[n%64] = n
	return deep(n-1, &node{next: list, val: [8]int{pad[n%64]}})
}

func recovered() (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	var m map[string]int
	m["x"]++
	return "no panic"
}

func main() {
	_, file, line, ok := runtime.Caller(0)
	fmt.Printf("caller %s %d %v\n", file[strings.LastIndex(file, "/")+1:], line, ok)
	sum := 0
	done := make(chan int)
	for g := 0; g < 4; g++ {
		go func() { done <- deep(2000, nil) }()
	}
	for g := 0; g < 4; g++ {
		sum += <-done
	}
	fmt.Printf("sum %d\n", sum)
	fmt.Printf("recovered %s\n", recovered())
	stack := string(debug.Stack())
	fmt.Printf("stack names main.main %v\n", strings.Contains(stack, "main.main"))
	os.Exit(0)
}
