package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// arrival is one message the sink accepted: its Message-ID and when its
// data was complete.
type arrival struct {
	id string
	at time.Time
}

// sink is an SMTP server that accepts every message, keeps only its
// Message-ID and arrival time, and throws the rest away.
type sink struct {
	srv  *smtp.Server
	ln   net.Listener
	port int

	mu       sync.Mutex
	arrivals []arrival
}

func startSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtp sink: %w", err)
	}
	s := &sink{ln: ln, port: ln.Addr().(*net.TCPAddr).Port}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	s.srv.Domain = "sink.consultbench.invalid"
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *sink) close() { _ = s.srv.Close() }

// count is how many messages have arrived so far.
func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

// since returns the arrivals from index i on.
func (s *sink) since(i int) []arrival {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]arrival(nil), s.arrivals[i:]...)
}

// waitFor waits until n messages have arrived in all, or ctx ends.
func (s *sink) waitFor(ctx context.Context, n int) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for s.count() < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d messages arrived: %w", s.count(), n, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

type sinkSession struct{ sink *sink }

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	id, err := messageID(r)
	if err != nil {
		return err
	}
	at := time.Now()
	ss.sink.mu.Lock()
	ss.sink.arrivals = append(ss.sink.arrivals, arrival{id: id, at: at})
	ss.sink.mu.Unlock()
	return nil
}

var messageIDHeader = []byte("message-id:")

// messageID reads the headers for Message-ID (without angle brackets,
// unfolded: a long one continues on the next line) and discards the rest
// of the message.
func messageID(r io.Reader) (string, error) {
	br := bufio.NewReader(r)
	var id []byte
	inID := false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if inID {
				id = append(id, bytes.TrimSpace(line)...)
			}
		case len(line) >= len(messageIDHeader) && bytes.EqualFold(line[:len(messageIDHeader)], messageIDHeader):
			id, inID = append(id[:0], bytes.TrimSpace(line[len(messageIDHeader):])...), true
		default:
			inID = false
		}
	}
	_, err := io.Copy(io.Discard, br)
	return string(bytes.Trim(id, "<>")), err
}
