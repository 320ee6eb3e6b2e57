// Command inline is the program TestDropInlTrees builds for js/wasm and runs
// under Node before and after -drop-inltree: it prints the program's frames
// runtime.Callers sees from a function the compiler inlines into main
// ("main.leaf main.main" with the inline trees, "main.main" without them),
// then grows the stack and runs the collector, which read the stack maps
// that moved down over the trees.
package main

import (
	"fmt"
	"runtime"
	"strings"
)

// leaf is small enough to be inlined into main.
func leaf(pc []uintptr) int { return runtime.Callers(0, pc) }

func deep(n int) int {
	var pad [64]int
	pad[n%64] = n
	if n == 0 {
		runtime.GC()
		return 0
	}
	return deep(n-1) + pad[n%64]
}

func main() {
	pc := make([]uintptr, 16)
	frames := runtime.CallersFrames(pc[:leaf(pc)])
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
	fmt.Println("frames:", strings.Join(names, " "))
	fmt.Println("deep:", deep(3000))
}
