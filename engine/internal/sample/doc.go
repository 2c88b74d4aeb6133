// Package sample is RDD.Sample's draw: how many times each element of a
// partition is kept.
//
// The contract: a Sampler draws from the random source it is given, one
// draw per element in order, so the same source (the same seed and
// partition) gives the same sample. Without replacement an element is kept
// once with probability fraction (in [0, 1]); with replacement it is kept
// a Poisson(fraction) number of times. Check says what is wrong with a
// fraction; the caller checks it before drawing.
package sample
