package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// child is a consultd process the bench started (see runChild).
type child struct {
	role    string
	cmd     *exec.Cmd
	in      io.WriteCloser
	lines   chan string
	exited  chan struct{}
	addr    string
	logPath string
	mu      sync.Mutex // one command at a time
}

// startChild runs this program as one consultd role against the run's
// Redis and sink, and waits until it is ready. cpuProfile, when set,
// profiles the child from its start.
func (b *bench) startChild(role, cpuProfile string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b.children++
	c := &child{role: role, logPath: filepath.Join(b.dir, fmt.Sprintf("%s-%d.log", role, b.children)),
		lines: make(chan string, 4), exited: make(chan struct{})}
	logFile, err := os.Create(c.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	c.cmd = exec.Command(exe, "-child", role, "-child-redis", b.redis.addr,
		"-child-smtp-port", strconv.Itoa(b.sink.port), "-child-log", c.logPath, "-child-cpuprofile", cpuProfile)
	c.cmd.Stderr = logFile
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s child: %w", role, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	line, err := c.read(30 * time.Second)
	if err != nil {
		c.kill()
		return nil, err
	}
	addr, ok := strings.CutPrefix(line, "ready ")
	if !ok {
		c.kill()
		return nil, fmt.Errorf("%s child: unexpected %q%s", role, line, c.logTail())
	}
	c.addr = addr
	return c, nil
}

func (c *child) read(timeout time.Duration) (string, error) {
	select {
	case line := <-c.lines:
		return line, nil
	case <-c.exited:
		return "", fmt.Errorf("%s child exited%s", c.role, c.logTail())
	case <-time.After(timeout):
		return "", fmt.Errorf("%s child: no answer within %s%s", c.role, timeout, c.logTail())
	}
}

// call sends one command and returns the answer.
func (c *child) call(command string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintln(c.in, command); err != nil {
		return "", fmt.Errorf("%s child: %w", c.role, err)
	}
	line, err := c.read(30 * time.Second)
	if err == nil && strings.HasPrefix(line, "error ") {
		err = fmt.Errorf("%s child: %s", c.role, line)
	}
	return line, err
}

// childMem is what a child says of its memory.
type childMem struct{ rss, heapLive, goTotal int64 }

func (c *child) mem() (childMem, error) {
	line, err := c.call("mem")
	if err != nil {
		return childMem{}, err
	}
	var m childMem
	_, err = fmt.Sscanf(line, "rss=%d heap_live=%d go_total=%d", &m.rss, &m.heapLive, &m.goTotal)
	return m, err
}

// stop asks the child to shut down as on SIGTERM and waits for it.
func (c *child) stop() {
	_, _ = fmt.Fprintln(c.in, "quit")
	_ = c.in.Close()
	select {
	case <-c.exited:
	case <-time.After(45 * time.Second):
		c.kill()
	}
}

func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// logTail is the end of the child's log, to explain a failure.
func (c *child) logTail() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil || len(b) == 0 {
		return ""
	}
	const max = 2 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return "; its log ends:\n" + string(b)
}
