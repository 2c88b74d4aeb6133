// Package canon holds compiled functions that stand for function literals
// users commonly write, with exactly their behavior. The shell's closure
// compiler puts one in place of a literal that only does what it does, and
// the engine, which knows these functions, takes its typed paths for them:
// `func(w string) engine.Pair { return engine.KV(w, 1) }` becomes
// StrWithOne, whose words the engine counts without boxing each one.
//
// A function here must be indistinguishable from the literal it replaces:
// the same parameter and result types (so the same checks and errors for
// elements of another type), the same results, no side effects.
package canon

// StrWithOne is `func(w string) engine.Pair { return engine.KV(w, 1) }`:
// the word paired with 1. P is engine.Pair, which this package cannot name.
func StrWithOne[P ~struct{ Key, Value any }](w string) P { return P{Key: w, Value: 1} }
