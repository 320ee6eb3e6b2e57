// Command names is the program TestStripNames builds for js/wasm and runs
// under Node before and after -strip-names: what reads a function's name
// must answer the same (a nil pointer's value method called through an
// interface, whose wrapper's name runtime.panicwrap parses; reflect's
// panics, which name the method; the goroutine count, which leaves out
// the runtime's own goroutines by their names; a reflect.MakeFunc stub on the stack while
// the collector runs, which the runtime finds by name; the deadlock check,
// which tells the runtime's goroutines from the program's by name), and
// only what prints a name may change.
package main

import (
	"fmt"
	"reflect"
	"runtime"
)

type T struct{ n int }

func (t T) Value() int { return t.n }

type valuer interface{ Value() int }

func try(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "no panic"
}

func main() {
	var p *T
	var v valuer = p
	fmt.Println("panicwrap:", try(func() { v.Value() }))
	fmt.Println("reflect:", try(func() { reflect.Value{}.Int() }))
	var hidden struct{ n int }
	fmt.Println("reflect:", try(func() { reflect.ValueOf(&hidden).Elem().Field(0).SetInt(1) }))
	swap := func(in []reflect.Value) []reflect.Value {
		runtime.GC() // scans the stub's frame
		return []reflect.Value{in[1], in[0]}
	}
	var f func(int, string) (string, int)
	reflect.ValueOf(&f).Elem().Set(reflect.MakeFunc(reflect.TypeOf(f), swap))
	s, n := f(7, "x")
	fmt.Println("makefunc:", s, n)
	fmt.Println("goroutines:", runtime.NumGoroutine()) // the runtime's own are not counted
	fmt.Println("name:", runtime.FuncForPC(reflect.ValueOf(main).Pointer()).Name())
	block := make(chan int)
	go func() { <-block }()
	<-block // every goroutine of the program waits: the runtime says so
}
