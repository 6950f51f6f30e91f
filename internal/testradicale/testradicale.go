// Package testradicale runs a real CalDAV server, Radicale (Debian package
// radicale), for tests: password authentication, storage in the test's
// temporary directory, and helpers to make calendars and read or write
// their events as the therapist's own calendar app would.
package testradicale

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// User and Password are the account every server has.
const (
	User     = "ada"
	Password = "radicale-test-password"
)

// Server is one radicale process on a loopback port.
type Server struct {
	bin, dir string
	port     int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs radicale on a free loopback port, stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		t.Fatalf("testradicale: radicale is not on PATH (%v). The CalDAV tests need a real CalDAV server: "+
			"run `make test` (it installs it), or `apt-get install radicale`.", err)
	}
	s := &Server{bin: bin, dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(s.dir, "users"), []byte(User+":"+Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	var lastErr error
	for range 5 {
		if s.port, lastErr = freePort(); lastErr != nil {
			continue
		}
		if lastErr = s.launch(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("testradicale: %v", lastErr)
	return nil
}

// URL is the server's root, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// CollectionURL is the address of the account's calendar name.
func (s *Server) CollectionURL(name string) string {
	return s.URL() + "/" + User + "/" + name + "/"
}

// MakeCalendar creates the calendar collection name and returns its URL.
func (s *Server) MakeCalendar(t testing.TB, name string) string {
	t.Helper()
	u := s.CollectionURL(name)
	if code, body := s.Do(t, "MKCALENDAR", u, nil, nil); code != http.StatusCreated {
		t.Fatalf("testradicale: MKCALENDAR %s = %d %s", name, code, body)
	}
	return u
}

// Do sends one request as the account and returns the status and body.
func (s *Server) Do(t testing.TB, method, target string, body []byte, h http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.SetBasicAuth(User, Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("testradicale: %s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// PutEvent writes a calendar object (VCALENDAR text) as a calendar app
// would, at collection/name.ics.
func (s *Server) PutEvent(t testing.TB, collection, name, ics string) {
	t.Helper()
	ics = strings.ReplaceAll(strings.ReplaceAll(ics, "\r\n", "\n"), "\n", "\r\n")
	code, body := s.Do(t, http.MethodPut, collection+name+".ics", []byte(ics), http.Header{"Content-Type": {"text/calendar"}})
	if code/100 != 2 {
		t.Fatalf("testradicale: PUT %s = %d %s", name, code, body)
	}
}

// Objects returns every calendar object in the collection, by file name.
func (s *Server) Objects(t testing.TB, collection string) map[string]string {
	t.Helper()
	dir := filepath.Join(s.dir, "store", "collection-root", User, strings.Trim(strings.TrimPrefix(collection, s.URL()+"/"+User+"/"), "/"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("testradicale: %v", err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// Stop ends the server and waits for it; its storage stays, so Restart
// brings the same calendars back. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Restart starts the stopped server again on the same port and storage.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	var err error
	for range 50 { // the port may linger a moment after the stop
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("testradicale: restart: %v", err)
}

func (s *Server) launch() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	logPath := filepath.Join(s.dir, "radicale.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin,
		"--config", "", // no system or user configuration file
		"--server-hosts", "127.0.0.1:"+strconv.Itoa(s.port),
		"--storage-filesystem-folder", filepath.Join(s.dir, "store"),
		"--auth-type", "htpasswd",
		"--auth-htpasswd-filename", filepath.Join(s.dir, "users"),
		"--auth-htpasswd-encryption", "plain",
		"--rights-type", "owner_only",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	if err := waitReady(s.URL(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		log, _ := os.ReadFile(logPath)
		return fmt.Errorf("radicale on port %d: %w; its log:\n%s", s.port, err, log)
	}
	s.cmd, s.done = cmd, done
	return nil
}

func waitReady(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(url + "/.web/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within 20s: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
