package cluster

import (
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MasterShape is the form of a cluster master URL.
const MasterShape = "kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]"

// Master is what a kafka:// master URL says.
type Master struct {
	URL     string
	Brokers []string
	App     string
	Workers int           // local=N: the member's worker goroutines (default 2)
	Session time.Duration // session=D: the group's session timeout (default 6s)
	Txn     time.Duration // txn=D: the transaction timeout (default 10s)
}

// ParseMaster reads kafka://HOST:PORT[,HOST:PORT]/APP[?local=N&session=D&txn=D].
// Its errors start with the master URL and say what is wrong.
func ParseMaster(master string) (*Master, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("master %q: %s", master, fmt.Sprintf(format, args...))
	}
	rest := strings.TrimPrefix(master, "kafka://")
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	hosts, app, found := strings.Cut(rest, "/")
	if !found || app == "" {
		return nil, bad("want %s: the application name APP after the brokers is missing", MasterShape)
	}
	if hosts == "" {
		return nil, bad("want %s: no broker address", MasterShape)
	}
	if len(app) > 200 || strings.IndexFunc(app, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}) >= 0 {
		return nil, bad("the application name %q: want 1 to 200 characters of a-z A-Z 0-9 . _ - (it names Kafka topics)", app)
	}
	c := &Master{URL: master, App: app, Workers: 2, Session: 6 * time.Second, Txn: 10 * time.Second}
	for _, h := range strings.Split(hosts, ",") {
		host, port, ok := strings.Cut(h, ":")
		if n, err := strconv.Atoi(port); !ok || host == "" || err != nil || n < 1 || n > 65535 {
			return nil, bad("want %s: broker %q is not HOST:PORT", MasterShape, h)
		}
		c.Brokers = append(c.Brokers, h)
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, bad("the parameters %q: %v", query, err)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := vals.Get(k)
		switch k {
		case "local":
			if v == "*" {
				c.Workers = runtime.NumCPU()
				break
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, bad("local=%s: want a whole number of workers ≥ 1 or *", v)
			}
			c.Workers = n
		case "session", "txn":
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return nil, bad("%s=%s: want a duration of at least 1s, such as 6s", k, v)
			}
			if k == "session" {
				c.Session = d
			} else {
				c.Txn = d
			}
		default:
			return nil, bad("unknown parameter %s (want local, session or txn)", k)
		}
	}
	return c, nil
}

// Name is how errors name the job: kafka://BROKERS/APP.
func (c *Master) Name() string {
	return "kafka://" + strings.Join(c.Brokers, ",") + "/" + c.App
}

// SameBrokers reports whether two broker lists name the same addresses.
func SameBrokers(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
