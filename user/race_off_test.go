//go:build !race

package user_test

// raceDetector tells whether the tests run under the race detector, whose
// instrumentation changes what the code allocates.
const raceDetector = false
