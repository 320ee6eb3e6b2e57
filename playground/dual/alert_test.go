package dual_test

import "tlsplayground/playground/alert"

func alertOf(err error) (string, bool) {
	a, ok := alert.Of(err)
	return a.String(), ok
}
