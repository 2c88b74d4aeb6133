// Package contexts is what a process knows of its streaming contexts
// beyond each one: the hooks front ends register to hear of every context
// made or started (Hooks), and which contexts are running, in the order
// they started (Running), for ActiveContexts and Spark's getActive. It is
// generic over the engine's context type C.
//
// The contract:
//   - Hooks.Add returns a func that removes the hook; Run calls the hooks
//     registered at the time of the call in the order they were added,
//     without holding any lock, so a hook may add or remove hooks.
//   - Running.Starting numbers a context as it starts, Started marks it
//     running, Stopped forgets it. List returns the running contexts in the
//     order they started; Last the one started last. A context that started
//     but failed before running is forgotten by the next Starting, once the
//     caller's stopped reports it stopped.
//   - Both are safe for concurrent use.
package contexts
