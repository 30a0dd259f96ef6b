package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/graph/benchdata"
)

// server is one endpoint the comparison sends to, with the process whose CPU it reads.
type server struct {
	label  string
	l      *loader
	pid    int
	theirs bool // PostGraphile: sent shape.Theirs
	body   map[string][]byte
}

// comparison sends each shape to every server in interleaved rounds and reports
// throughput, latency and CPU per request of server and database.
type comparison struct {
	servers []*server
	pgDB    string // the database whose PostgreSQL backends are counted
	rounds  int
	n       int
	dur     time.Duration
	warmup  time.Duration // per shape and server, before the rounds
}

// clockTick is the kernel's USER_HZ, 100 on every Linux architecture Go runs on.
const clockTick = 10 * time.Millisecond

// parseServers reads -url's comma-separated "label=URL" list (a bare URL is "ours").
func parseServers(list string) ([][2]string, error) {
	var out [][2]string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		label, u, ok := strings.Cut(f, "=")
		if !ok {
			label, u = "ours", f
		}
		if _, err := url.Parse(u); err != nil || u == "" {
			return nil, fmt.Errorf("-url: %q is not label=URL", f)
		}
		out = append(out, [2]string{label, u})
	}
	return out, nil
}

func (c *comparison) run(picked []shape, conns []int) error {
	fmt.Printf("%-10s %3s %-11s %5s %8s %9s %9s %11s %11s %8s %8s\n",
		"shape", "c", "server", "round", "rps", "p50 ms", "p99 ms", "CPU ms/req", "of it db", "RSS MB", "peak MB")
	type key struct {
		shape, server string
		c             int
	}
	var order []key
	all := map[key][]measure{}
	for _, s := range picked {
		if err := c.prepare(s); err != nil {
			return err
		}
		for _, cc := range conns {
			for r := range c.rounds {
				for _, sv := range c.servers {
					m, err := c.round(sv, s, cc)
					if err != nil {
						return fmt.Errorf("%s on %s: %w", s.Name, sv.label, err)
					}
					k := key{s.Name, sv.label, cc}
					if r == 0 {
						order = append(order, k)
					}
					all[k] = append(all[k], m)
					fmt.Printf("%-10s %3d %-11s %5d %8.1f %9.1f %9.1f %11.2f %11.2f %8.0f %8.0f\n",
						s.Name, cc, sv.label, r+1, m.rps, m.p50, m.p99, m.cpu, m.db, m.rss, m.hwm)
				}
			}
		}
	}
	fmt.Printf("\nranges over %d rounds (min–max); × is ours over PostGraphile's in the same round\n", c.rounds)
	fmt.Printf("%-10s %3s %-11s %11s %11s %13s %11s %11s %8s\n", "shape", "c", "server", "rps", "rps ×", "p99 ms", "CPU ms/req", "CPU ×", "peak MB")
	rps := func(m measure) float64 { return m.rps }
	cpu := func(m measure) float64 { return m.cpu }
	for _, k := range order {
		ms, theirs := all[k], all[key{k.shape, c.servers[len(c.servers)-1].label, k.c}]
		rpsX, cpuX := "", ""
		if k.server != c.servers[len(c.servers)-1].label {
			rpsX, cpuX = ratio(ms, theirs, rps), ratio(ms, theirs, cpu)
		}
		fmt.Printf("%-10s %3d %-11s %11s %11s %13s %11s %11s %8.0f\n", k.shape, k.c, k.server,
			span(values(ms, rps)), rpsX, span(values(ms, func(m measure) float64 { return m.p99 })),
			span(values(ms, cpu)), cpuX, slices.Max(values(ms, func(m measure) float64 { return m.hwm })))
	}
	return nil
}

func values(ms []measure, f func(measure) float64) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = f(m)
	}
	return out
}

// ratio is the span of ours over theirs, round by round.
func ratio(ours, theirs []measure, f func(measure) float64) string {
	out := make([]float64, min(len(ours), len(theirs)))
	for i := range out {
		out[i] = f(ours[i]) / f(theirs[i])
	}
	return span(out) + "×"
}

func span(vs []float64) string {
	lo, hi := slices.Min(vs), slices.Max(vs)
	p := 1
	switch {
	case hi >= 100:
		p = 0
	case hi < 10:
		p = 2
	}
	a, b := strconv.FormatFloat(lo, 'f', p, 64), strconv.FormatFloat(hi, 'f', p, 64)
	if a == b {
		return a
	}
	return a + "–" + b
}

// prepare builds each server's request for the shape and checks that all answers hold the same rows.
func (c *comparison) prepare(s shape) error {
	var want []string
	var first string
	for _, sv := range c.servers {
		q, idQuery := s.Ours, benchdata.FirstAccount
		if sv.theirs {
			q, idQuery = s.Theirs, theirFirstAccount
		}
		vars := map[string]any{}
		if s.ByAccount {
			id, err := sv.l.firstID(idQuery)
			if err != nil {
				return fmt.Errorf("%s: %w", sv.label, err)
			}
			vars["id"] = id
		}
		body := mustJSON(map[string]any{"query": q, "variables": vars})
		sv.body[s.Name] = body
		out, err := sv.l.post(body)
		if err != nil {
			return fmt.Errorf("%s on %s: %w", s.Name, sv.label, err)
		}
		// PostGraphile plans a document on first sight and Node's JIT warms up: not what a round measures
		for start := time.Now(); time.Since(start) < c.warmup; {
			if _, err := sv.l.post(body); err != nil {
				return fmt.Errorf("%s on %s: %w", s.Name, sv.label, err)
			}
		}
		got, err := rows(out)
		if err != nil {
			return fmt.Errorf("%s on %s: %w", s.Name, sv.label, err)
		}
		if want == nil {
			want, first = got, sv.label
			fmt.Printf("%-10s same rows on every server? %d values from %s", s.Name, len(got), first)
			continue
		}
		if d := diff(want, got); d != "" {
			fmt.Println()
			return fmt.Errorf("%s: %s and %s answer different rows:\n%s", s.Name, first, sv.label, d)
		}
	}
	fmt.Println(": yes")
	return nil
}

type measure struct {
	rps, p50, p99 float64
	cpu, db       float64 // CPU ms per request: server and database together, and the database's part
	rss, hwm      float64 // the server's resident memory after the round and its peak, MB
}

func (c *comparison) round(sv *server, s shape, conns int) (measure, error) {
	srv0, db0 := ticks(sv.pid), c.dbTicks()
	r, err := sv.l.round(sv.body[s.Name], conns, c.n, c.dur)
	if err != nil {
		return measure{}, err
	}
	srv1, db1 := ticks(sv.pid), c.dbTicks()
	var db int64
	for pid, t := range db1 {
		db += t - db0[pid] // a backend started in the round counts from zero
	}
	// the warm-up request is in the CPU figures too
	per := float64(clockTick) / float64(time.Millisecond) / float64(len(r.took)+1)
	m := measure{rps: r.rps(), p50: r.quantile(0.5), p99: r.quantile(0.99),
		cpu: float64(srv1-srv0+db) * per, db: float64(db) * per}
	m.rss, m.hwm = memory(sv.pid)
	return m, nil
}

// ticks is the user and system CPU a process has used, in clock ticks; 0 when it cannot be read.
func ticks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// the command name may hold spaces; the fields after it are plain
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// dbTicks is the CPU of each PostgreSQL backend connected to the benchmark database, by PID.
func (c *comparison) dbTicks() map[int]int64 {
	out := map[int]int64{}
	if c.pgDB == "" {
		return out
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		// a backend's title is "postgres: [cluster: ]user database client state"
		if err != nil || !bytes.HasPrefix(cmd, []byte("postgres: ")) || !slices.Contains(strings.Fields(string(cmd)), c.pgDB) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		out[pid] = ticks(pid)
	}
	return out
}

// memory is a process's resident set now and at its peak, in MB.
func memory(pid int) (rss, hwm float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch name {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// listener finds the process listening on the URL's port, through /proc/net/tcp and the processes' open sockets.
func listener(rawURL string) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, err
	}
	port, err := strconv.ParseUint(u.Port(), 10, 16)
	if err != nil {
		return 0, fmt.Errorf("%s names no port", rawURL)
	}
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, _ := os.ReadFile(table)
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			// local address is hex ip:port; state 0A is LISTEN
			if len(f) > 9 && f[3] == "0A" && strings.HasSuffix(f[1], fmt.Sprintf(":%04X", port)) {
				inodes["socket:["+f[9]+"]"] = true
			}
		}
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && inodes[target] {
			return strconv.Atoi(strings.Split(fd, "/")[2])
		}
	}
	return 0, fmt.Errorf("no process of ours listens on port %d (give its PID)", port)
}

// firstID asks a server for the ID of the first account by name.
func (l *loader) firstID(query string) (string, error) {
	out, err := l.post(mustJSON(map[string]any{"query": query}))
	if err != nil {
		return "", err
	}
	var r struct {
		Data struct {
			Accounts struct {
				Edges []struct{ Node struct{ ID string } }
				Nodes []struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return "", err
	}
	for _, e := range r.Data.Accounts.Edges {
		return e.Node.ID, nil
	}
	for _, n := range r.Data.Accounts.Nodes {
		return n.ID, nil
	}
	return "", fmt.Errorf("no account to ask for: %.300s", out)
}

// rows flattens an answer into sorted "path=value" lines, leaving out what
// differs between servers by design: global IDs, cursors and the connection
// wrappers (edges/node against nodes). Times are read as instants and numbers
// as numbers, since PostGraphile sends bigints as strings.
func rows(answer []byte) ([]string, error) {
	var r struct {
		Data   any
		Errors json.RawMessage
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return nil, err
	}
	if r.Data == nil || len(r.Errors) > 0 {
		return nil, fmt.Errorf("no data: %.300s", answer)
	}
	var out []string
	flatten(r.Data, "", &out)
	slices.Sort(out)
	return out, nil
}

func flatten(v any, path string, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			switch k {
			case "id", "cursor", "endCursor", "startCursor", "__typename":
			case "edges", "node", "nodes":
				flatten(child, path, out)
			default:
				flatten(child, path+"."+k, out)
			}
		}
	case []any:
		for _, child := range v {
			flatten(child, path, out)
		}
	default:
		*out = append(*out, path+"="+canonical(v))
	}
}

func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		if v == "" { // ent reads a NULL optional string as empty, PostGraphile as null
			return "null"
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return strconv.Quote(v)
	default:
		return fmt.Sprint(v)
	}
}

// diff names up to ten lines one sorted list has and the other lacks; empty when they are equal.
func diff(a, b []string) string {
	var lines []string
	i, j := 0, 0
	for (i < len(a) || j < len(b)) && len(lines) < 10 {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			lines, i = append(lines, "- "+a[i]), i+1
		case i == len(a) || b[j] < a[i]:
			lines, j = append(lines, "+ "+b[j]), j+1
		default:
			i, j = i+1, j+1
		}
	}
	return strings.Join(lines, "\n")
}

// setUp names the servers: ours from -url, PostGraphile from -compare, each with the PID whose CPU counts.
func (c *comparison) setUp(ours, theirs, pids, token string, client *http.Client) error {
	list, err := parseServers(ours)
	if err != nil {
		return err
	}
	list = append(list, [2]string{"postgraphile", theirs})
	given := map[string]int{}
	for _, f := range strings.Split(pids, ",") {
		if label, p, ok := strings.Cut(strings.TrimSpace(f), "="); ok {
			if given[label], err = strconv.Atoi(p); err != nil {
				return fmt.Errorf("-pids: %q is not label=PID", f)
			}
		}
	}
	for i, s := range list {
		sv := &server{label: s[0], theirs: i == len(list)-1, body: map[string][]byte{},
			l: &loader{url: s[1], client: client}}
		if !sv.theirs {
			sv.l.token = token
		}
		if sv.pid = given[sv.label]; sv.pid == 0 {
			if sv.pid, err = listener(s[1]); err != nil {
				return fmt.Errorf("%s: %w", sv.label, err)
			}
		}
		fmt.Printf("%-12s %s, PID %d\n", sv.label, s[1], sv.pid)
		c.servers = append(c.servers, sv)
	}
	return nil
}

// pick reads -shapes and -c.
func (c *comparison) pick(only, conns string) ([]shape, []int, error) {
	picked := shapes
	if only != "" {
		picked = nil
		for _, name := range strings.Split(only, ",") {
			i := slices.IndexFunc(shapes, func(s shape) bool { return s.Name == strings.TrimSpace(name) })
			if i < 0 {
				return nil, nil, fmt.Errorf("-shapes: no shape %q", name)
			}
			picked = append(picked, shapes[i])
		}
	}
	var cs []int
	for _, f := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, nil, fmt.Errorf("-c: %q is not a number of clients", f)
		}
		cs = append(cs, n)
	}
	return picked, cs, nil
}
