// Package e2e holds gapdeck's end-to-end tests and nothing else: they
// build the gapdeck command from the module root (go build, as a user
// would), run it in tmux against the simulator (gapdeck sim) or behind
// proxies that delay, fail or rewrite the simulator's answers, and read
// the screen, the audit file and the simulator's state. They need
// nothing from package ui. The Prism stage (GAPDECK_PRISM=1, see .ci/run)
// runs some of them through Stoplight Prism and the vendor's specs.
package e2e
