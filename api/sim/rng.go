package sim

import (
	"math/rand/v2"
	"time"
)

// Salts separating the random streams derived from the one seed.
const (
	saltWorld uint64 = 0x9e3779b97f4a7c15
	saltFault uint64 = 0xbf58476d1ce4e5b9
	saltDepl  uint64 = 0x94d049bb133111eb
)

// mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash combines values into one well-spread 64-bit hash.
func hash(vals ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, v := range vals {
		h = mix(h ^ v)
	}
	return h
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// hashString folds a string into a 64-bit value (FNV-1a).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// newRand returns a PCG generator for the given stream.
func newRand(seed int64, salt, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(hash(uint64(seed), salt, stream), hash(salt, stream, uint64(seed))))
}

// between draws a duration uniformly in [lo, hi] at millisecond precision.
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	span := int64((hi - lo) / time.Millisecond)
	if span <= 0 {
		return lo
	}
	return lo + time.Duration(r.Int64N(span+1))*time.Millisecond
}

// pick returns one element of xs chosen with the given weights.
func pick[T any](r *rand.Rand, xs []T, weight func(T) float64) T {
	total := 0.0
	for _, x := range xs {
		total += weight(x)
	}
	u := r.Float64() * total
	for _, x := range xs {
		u -= weight(x)
		if u < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}
