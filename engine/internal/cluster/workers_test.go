package cluster

import (
	"runtime"
	"testing"
)

func TestWorkers(t *testing.T) {
	for _, tc := range []struct {
		name, master string
		n            int
		job          bool
		err          string
	}{
		{"local", "local", 1, false, ""},
		{"local N", "local[3]", 3, false, ""},
		{"local star", "local[*]", runtime.NumCPU(), false, ""},
		{"kafka", "kafka://127.0.0.1:9092/app?local=4", 4, true, ""},
		{"kafka default workers", "kafka://127.0.0.1:9092/app", 2, true, ""},
		{"local zero", "local[0]", 0, false, `master "local[0]": want local[N] with N ≥ 1`},
		{"local word", "local[x]", 0, false, `master "local[x]": want local[N] with N ≥ 1`},
		{"bad kafka", "kafka://127.0.0.1:9092", 0, false, `master "kafka://127.0.0.1:9092": want ` + MasterShape + `: the application name APP after the brokers is missing`},
		{"unknown", "yarn", 0, false, `master "yarn": want "local", "local[N]", "local[*]" or ` + MasterShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, job, err := Workers(tc.master)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || job != nil {
					t.Fatalf("got %d, %v, %v; want the error %q", n, job, err, tc.err)
				}
				return
			}
			if err != nil || n != tc.n || (job != nil) != tc.job {
				t.Fatalf("got %d workers, job %v, error %v; want %d, a job: %v", n, job, err, tc.n, tc.job)
			}
			if job != nil && job.URL != tc.master {
				t.Errorf("job URL %q, want %q", job.URL, tc.master)
			}
		})
	}
}
