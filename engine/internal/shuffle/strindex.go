package shuffle

// StrIndex maps string keys to slots (dense int32 indices that the caller
// assigns in insertion order). It is an open-addressing table probed
// linearly, keyed by the partitioner's hash of the key (StrHash), so a key
// hashed once to find its partition is not hashed again to find its slot.
// Each entry holds the key's length and first 16 bytes: a key of up to 16
// bytes is compared there, without reading the key's own bytes (which
// are elsewhere in memory, usually not in cache), and a longer one is
// compared in full only when its hash and first bytes match.
type StrIndex struct {
	ents  []strEnt // a power of two long; slot 0 marks an empty entry
	shift uint     // 64 - log2(len(ents))
	n     int
}

type strEnt struct {
	w0, w1 uint64 // the key's first 16 bytes, little-endian, zero-padded
	meta   uint32 // the hash's top 24 bits, and the length (up to 255) in the low byte
	slot   int32  // the key's slot plus one; 0: empty
}

// StrKey is a string key with its hash and first bytes, as StrHash
// computes them.
type StrKey struct {
	S      string
	H      uint64 // the partitioner's hash of S (Hash of S as a string)
	w0, w1 uint64
}

// StrHash returns s with its hash (the same as Hash returns for s) and its
// first 16 bytes.
func StrHash(s string) StrKey {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	var w0, w1 uint64
	switch {
	case len(s) >= 16:
		w0, w1 = load8(s), load8(s[8:])
	case len(s) >= 8:
		w0, w1 = load8(s), loadTail(s[8:])
	default:
		w0 = loadTail(s)
	}
	return StrKey{S: s, H: Mix(h), w0: w0, w1: w1}
}

// load8 is the first 8 bytes of s, little-endian (one load).
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// loadTail is s, shorter than 8 bytes, little-endian and zero-padded.
func loadTail(s string) uint64 {
	var w uint64
	if len(s) >= 4 {
		w = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
		for i := 4; i < len(s); i++ {
			w |= uint64(s[i]) << (8 * i)
		}
		return w
	}
	for i := 0; i < len(s); i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	return w
}

func (k *StrKey) meta() uint32 {
	l := len(k.S)
	if l > 255 {
		l = 255
	}
	return uint32(k.H>>40)<<8 | uint32(l)
}

// Len is the number of keys in x.
func (x *StrIndex) Len() int { return x.n }

// Reset empties x, keeping its capacity.
func (x *StrIndex) Reset() {
	clear(x.ents)
	x.n = 0
}

// Reserve makes room for n keys without growing; keys are the keys by slot.
func (x *StrIndex) Reserve(n int, keys []string) {
	if 2*n > len(x.ents) {
		x.grow(2*n, keys)
	}
}

// Prefetch starts bringing the entry where a lookup of k begins into the
// caches, so that several lookups' misses overlap instead of each waiting
// for its own.
func (x *StrIndex) Prefetch(k *StrKey) {
	if len(x.ents) > 0 {
		prefetch(&x.ents[k.H>>x.shift])
	}
}

// Get returns the slot of k; keys returns the key of a slot (for keys
// longer than 16 bytes).
func (x *StrIndex) Get(k *StrKey, keys []string) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	meta := k.meta()
	mask := len(x.ents) - 1
	for i := int(k.H >> x.shift); ; i = (i + 1) & mask {
		e := &x.ents[i]
		if e.slot == 0 {
			return 0, false
		}
		if e.meta == meta && e.w0 == k.w0 && e.w1 == k.w1 && (len(k.S) <= 16 || keys[e.slot-1] == k.S) {
			return e.slot - 1, true
		}
	}
}

// GetOrPut returns the slot of k, or records slot for it when it is not
// there yet (found reports which).
func (x *StrIndex) GetOrPut(k *StrKey, keys []string, slot int32) (int32, bool) {
	if 2*(x.n+1) > len(x.ents) {
		x.grow(2*(x.n+1), keys)
	}
	meta := k.meta()
	mask := len(x.ents) - 1
	for i := int(k.H >> x.shift); ; i = (i + 1) & mask {
		e := &x.ents[i]
		if e.slot == 0 {
			*e = strEnt{w0: k.w0, w1: k.w1, meta: meta, slot: slot + 1}
			x.n++
			return slot, false
		}
		if e.meta == meta && e.w0 == k.w0 && e.w1 == k.w1 && (len(k.S) <= 16 || keys[e.slot-1] == k.S) {
			return e.slot - 1, true
		}
	}
}

// Set points the entry of k, which must be in x, at slot.
func (x *StrIndex) Set(k *StrKey, keys []string, slot int32) {
	meta := k.meta()
	mask := len(x.ents) - 1
	for i := int(k.H >> x.shift); ; i = (i + 1) & mask {
		e := &x.ents[i]
		if e.slot == 0 {
			panic("shuffle: StrIndex.Set of a missing key")
		}
		if e.meta == meta && e.w0 == k.w0 && e.w1 == k.w1 && (len(k.S) <= 16 || keys[e.slot-1] == k.S) {
			e.slot = slot + 1
			return
		}
	}
}

// grow makes the table at least n entries long (a power of two), moving
// the entries over; keys are the keys by slot.
func (x *StrIndex) grow(n int, keys []string) {
	size := 16
	for size < n {
		size *= 2
	}
	if size <= len(x.ents) {
		return
	}
	old := x.ents
	x.ents = make([]strEnt, size)
	bits := uint(0)
	for s := size; s > 1; s >>= 1 {
		bits++
	}
	x.shift = 64 - bits
	mask := size - 1
	for j := range old {
		e := old[j]
		if e.slot == 0 {
			continue
		}
		// meta keeps the hash's top 24 bits, enough for the position in
		// tables of up to 1<<24 entries; larger ones hash the key again.
		var i int
		if bits <= 24 {
			i = int(e.meta >> 8 >> (24 - bits))
		} else {
			k := StrHash(keys[e.slot-1])
			i = int(k.H >> x.shift)
		}
		for x.ents[i].slot != 0 {
			i = (i + 1) & mask
		}
		x.ents[i] = e
	}
}
