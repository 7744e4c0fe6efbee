// Package model is gapdeck's domain layer, in plain Go: the rows the
// console shows (deployments, locations, Smart Fleets, policies, hosts),
// kept sorted and filtered incrementally; the `/` filter grammar and its
// push-down into the API's list query; the sort columns; and the scheduler
// that decides what to fetch next inside the client's rate budget.
//
// Nothing here does I/O, sleeps or knows about the terminal: the UI runs
// the jobs the Scheduler plans through an api.Client and folds the answers
// back into the stores. Every type is meant for one goroutine (the UI's
// Update loop) and is not safe for concurrent use.
package model
