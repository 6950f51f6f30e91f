package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// benchClientName marks the bench's own Redis connections, so a MONITOR
// count can leave them out and keep only what consultd sends.
const benchClientName = "consultbench"

// redisServer is the run's own redis-server process.
type redisServer struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

// startRedis runs redis-server on a free loopback port with its files in
// dir, without persistence unless aof is set, and waits for PING.
func startRedis(bin, dir string, aof bool) (*redisServer, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("%s not found (%v): the bench needs a real Redis; install it "+
			"(`make deps`, `apt-get install redis-server` or `brew install redis`) or pass -redis-server PATH", bin, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	appendonly := "no"
	if aof {
		appendonly = "yes"
	}
	logPath := filepath.Join(dir, "redis.log")
	cmd := exec.Command(path,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--logfile", logPath, "--save", "", "--appendonly", appendonly,
		"--appendfsync", "everysec", "--maxmemory-policy", "noeviction", "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	s := &redisServer{cmd: cmd, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(); err != nil {
		s.stop()
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("redis-server on %s: %w\n%s", s.addr, err, log)
	}
	return s, nil
}

func (s *redisServer) waitReady() error {
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("exited before answering PING")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the server and waits for it.
func (s *redisServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// info reads one INFO section as key → value.
func info(ctx context.Context, rdb *redis.Client, section string) (map[string]string, error) {
	text, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out, nil
}

// usedMemory is INFO memory used_memory less the clients' buffers
// (mem_clients_normal), in bytes.
func usedMemory(ctx context.Context, rdb *redis.Client) (int64, error) {
	m, err := info(ctx, rdb, "memory")
	if err != nil {
		return 0, err
	}
	used, err := strconv.ParseInt(m["used_memory"], 10, 64)
	if err != nil {
		return 0, err
	}
	// Connections' buffers are not the data: they follow how many
	// connections the processes keep, not how many bookings there are.
	clients, _ := strconv.ParseInt(m["mem_clients_normal"], 10, 64)
	return used - clients, nil
}

// monitor counts the commands clients send, by client address and command
// name; commands run inside scripts are not round trips and are skipped.
type monitor struct {
	conn   net.Conn
	counts map[string]map[string]int // addr → command → n
	marked chan struct{}             // closed when the end marker is seen
	done   chan struct{}
}

// monitorMark is echoed by the bench to know MONITOR has shown it
// everything sent before.
const monitorMark = "consultbench-monitor-mark"

func startMonitor(addr string) (*monitor, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(conn, 1<<16)
	if _, err := conn.Write([]byte("*1\r\n$7\r\nMONITOR\r\n")); err != nil {
		conn.Close()
		return nil, err
	}
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		conn.Close()
		return nil, fmt.Errorf("MONITOR: %q %v", line, err)
	}
	m := &monitor{conn: conn, counts: map[string]map[string]int{}, marked: make(chan struct{}), done: make(chan struct{})}
	go m.read(r)
	return m, nil
}

// read parses lines like: +1700000000.123456 [0 127.0.0.1:5555] "evalsha" …
func (m *monitor) read(r *bufio.Reader) {
	defer close(m.done)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.Contains(line, monitorMark) {
			close(m.marked)
			continue
		}
		open, end := strings.IndexByte(line, '['), strings.IndexByte(line, ']')
		if open < 0 || end < open {
			continue
		}
		who := strings.Fields(line[open+1 : end])
		if len(who) != 2 || who[1] == "lua" {
			continue
		}
		cmd := strings.Fields(line[end+1:])
		if len(cmd) == 0 {
			continue
		}
		name := strings.ToLower(strings.Trim(cmd[0], `"`))
		if m.counts[who[1]] == nil {
			m.counts[who[1]] = map[string]int{}
		}
		m.counts[who[1]][name]++
	}
}

// stop ends MONITOR once it has shown everything sent before, and returns
// the counts, by command, of every client but the bench's own.
func (m *monitor) stop(ctx context.Context, rdb *redis.Client) (map[string]int, error) {
	exclude, err := benchAddrs(ctx, rdb)
	if err == nil {
		err = rdb.Echo(ctx, monitorMark).Err()
	}
	if err == nil {
		select {
		case <-m.marked:
		case <-time.After(10 * time.Second):
			err = errors.New("MONITOR did not show the end mark")
		}
	}
	m.conn.Close()
	<-m.done
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for addr, cmds := range m.counts {
		if exclude[addr] {
			continue
		}
		for c, n := range cmds {
			out[c] += n
		}
	}
	return out, nil
}

// benchAddrs lists the addresses of the bench's own connections.
func benchAddrs(ctx context.Context, rdb *redis.Client) (map[string]bool, error) {
	list, err := rdb.ClientList(ctx).Result()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, line := range strings.Split(list, "\n") {
		var addr, name string
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "addr="); ok {
				addr = v
			}
			if v, ok := strings.CutPrefix(f, "name="); ok {
				name = v
			}
		}
		if name == benchClientName {
			out[addr] = true
		}
	}
	return out, nil
}
