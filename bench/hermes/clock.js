// The real clock, taken before tests/hermes/react-native.js puts Date.now on virtual time: the bench times
// its synchronous loops with it (Hermes has no performance.now; Date.now has 1 ms steps, and each timed
// run lasts a second or more).
export const realNow = Date.now;
