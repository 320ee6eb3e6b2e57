// Command server is the program TestServerOverlay builds for js/wasm with
// the server build's overlay (server.go) and without it, and runs under
// Node: what finds a function by its PC (runtime.Callers and CallersFrames,
// FuncForPC, stack growth, the collector scanning stacks, a recovered panic's
// traceback) and what takes memory from the runtime's break (large
// allocations, which must come zeroed, freed and taken again) print the same.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

//go:noinline
func callers() string {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var names []string
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "main.") {
			names = append(names, f.Function)
		}
		if !more {
			break
		}
	}
	return strings.Join(names, " < ")
}

//go:noinline
func outer() string { return inner() }

//go:noinline
func inner() string { return callers() }

type node struct {
	next *node
	val  [8]int
}

// deep recurses n frames with big frames, allocating on the way: the stack
// grows (copied, its pointers adjusted by the stack maps of each frame's
// function) and the collector scans it.
func deep(n int, list *node) int {
	if n == 0 {
		runtime.GC()
		sum := 0
		for l := list; l != nil; l = l.next {
			sum += l.val[0]
		}
		return sum
	}
	var pad [64]int
	pad[n%64] = n
	return deep(n-1, &node{next: list, val: [8]int{pad[n%64]}})
}

func recovered() (msg string, stack bool) {
	defer func() {
		msg = fmt.Sprint(recover())
		stack = strings.Contains(string(debug.Stack()), "main.recovered")
	}()
	var m map[string]int
	m["x"]++
	return "no panic", false
}

// churn takes large blocks (each from the runtime's break or its free
// list), checks they come zeroed, fills them and drops them.
func churn() string {
	dirty := 0
	var keep [][]byte
	for round := 0; round < 6; round++ {
		for i := 0; i < 8; i++ {
			b := make([]byte, (1+i)<<20)
			for _, c := range b {
				if c != 0 {
					dirty++
					break
				}
			}
			for j := range b {
				b[j] = byte(j) | 1
			}
			if i%3 == 0 {
				keep = append(keep, b)
			}
		}
		keep = keep[len(keep)/2:]
		runtime.GC()
		debug.FreeOSMemory()
	}
	return fmt.Sprintf("%d blocks kept, %d taken dirty", len(keep), dirty)
}

func main() {
	fmt.Println("callers:", outer())
	pc, _, _, _ := runtime.Caller(0)
	fmt.Println("funcforpc:", runtime.FuncForPC(pc).Name())
	done := make(chan int)
	for g := 0; g < 4; g++ {
		go func() { done <- deep(3000, nil) }()
	}
	sum := 0
	for g := 0; g < 4; g++ {
		sum += <-done
	}
	fmt.Println("stacks:", sum)
	msg, stack := recovered()
	fmt.Println("recovered:", msg, stack)
	fmt.Println("memory:", churn())
	os.Exit(0)
}
