//go:build amd64 || arm64

package shuffle

// prefetch asks the processor to bring the cache line at p into its
// caches, without waiting for it (one instruction: PREFETCHT0, PRFM).
//
//go:noescape
func prefetch(p *strEnt)
