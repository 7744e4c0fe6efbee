// Package keys is the pure part of gapdeck's key handling: what a
// configuration may write for a key ("L", "enter", "ctrl+x", "alt+x",
// "space") and the form Bubble Tea's key bindings compare, with a clear
// error (and a "did you mean" for a near miss) otherwise.
//
// It is a leaf: the actions, the key map and the views' key sets stay in
// ui (keys.go, keyparse.go), which validate bindings with Validate.
package keys
