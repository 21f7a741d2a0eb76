//go:build !race

package main

// raceEnabled makes TestMain build the program with the race detector when
// the tests run with it.
const raceEnabled = false
