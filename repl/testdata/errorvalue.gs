// An input whose value is a non-nil error fails, and the script exits with 1;
// a nil error shows nothing.
ssc := engine.NewStreamingContext("local[2]", "Stopped", engine.Seconds(1), engine.WithManualClock())
ssc.Stop(false)
ssc.Start()
func fine() error { return nil }
fine()
"still going"
