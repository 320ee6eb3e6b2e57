//go:build js && wasm

package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// jsObject is a result that becomes a plain JS object: []byte values become
// Uint8Arrays, the rest as syscall/js converts them.
type jsObject map[string]any

// toJS converts a method's result for resolve: a string as it is, a
// jsObject into a new object.
func toJS(v any) (any, error) {
	o, ok := v.(jsObject)
	if !ok {
		return v, nil
	}
	ctor, err := safejs.Global().Get("Object")
	if err != nil {
		return nil, err
	}
	obj, err := ctor.New()
	if err != nil {
		return nil, err
	}
	for k, x := range o {
		if b, ok := x.([]byte); ok {
			if x, err = uint8Array(b); err != nil {
				return nil, err
			}
		}
		if err := obj.Set(k, x); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

// uint8Array copies b into a new Uint8Array.
func uint8Array(b []byte) (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	arr, err := ctor.New(len(b))
	if err != nil {
		return safejs.Value{}, err
	}
	_, err = safejs.CopyBytesToJS(arr, b)
	return arr, err
}

// progressArg returns the second argument of a call: a function, or nil
// when it is absent or undefined.
func progressArg(method string, args []safejs.Value) (*safejs.Value, error) {
	if len(args) < 2 {
		return nil, nil
	}
	switch t := args[1].Type(); t {
	case safejs.TypeUndefined:
		return nil, nil
	case safejs.TypeFunction:
		return &args[1], nil
	default:
		return nil, typeError(method, "the second argument (the progress callback) must be a function", t)
	}
}

// bytesArg returns argument i, a Uint8Array, copied into Go; nil when it
// is absent (or undefined) and not required.
func bytesArg(method string, args []safejs.Value, i int, what string, required bool) ([]byte, error) {
	if len(args) <= i || args[i].Type() == safejs.TypeUndefined {
		if required {
			return nil, fmt.Errorf("%s: %s is missing: give the file's bytes as a Uint8Array", method, what)
		}
		return nil, nil
	}
	v := args[i]
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return nil, err
	}
	if ok, _ := v.InstanceOf(ctor); !ok {
		kind := v.Type().String()
		if v.Type() == safejs.TypeObject {
			if c, err := v.Get("constructor"); err == nil && c.Type() == safejs.TypeFunction {
				if n, err := c.Get("name"); err == nil {
					if s, err := n.String(); err == nil && s != "" {
						kind = s
					}
				}
			}
		}
		return nil, fmt.Errorf("%s: %s must be a Uint8Array (got %s)", method, what, kind)
	}
	n, err := v.Length()
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(b, v); err != nil {
		return nil, err
	}
	return b, nil
}
