package cluster

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// Workers reads the master a context runs on: "local" (one worker),
// "local[N]", "local[*]" (one per CPU), or a kafka:// job's URL
// (ParseMaster), whose Master it returns too (nil for a local master). Its
// errors start with the master and say what is wrong.
func Workers(master string) (int, *Master, error) {
	switch {
	case strings.HasPrefix(master, "kafka://"):
		job, err := ParseMaster(master)
		if err != nil {
			return 0, nil, err
		}
		return job.Workers, job, nil
	case master == "local":
		return 1, nil, nil
	case master == "local[*]":
		return runtime.NumCPU(), nil, nil
	case strings.HasPrefix(master, "local[") && strings.HasSuffix(master, "]"):
		n, err := strconv.Atoi(master[len("local[") : len(master)-1])
		if err != nil || n < 1 {
			return 0, nil, fmt.Errorf("master %q: want local[N] with N ≥ 1", master)
		}
		return n, nil, nil
	}
	return 0, nil, fmt.Errorf("master %q: want \"local\", \"local[N]\", \"local[*]\" or %s", master, MasterShape)
}
