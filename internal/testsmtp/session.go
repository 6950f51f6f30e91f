package testsmtp

import (
	"io"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP connection's transaction state.
type session struct {
	server *Server
	conn   *smtp.Conn
	user   string
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts any credentials: tests check that a client authenticates, not
// which password it knows.
func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, _ string) error {
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if err := s.server.rejection(s.server.rejectFrom, from); err != nil {
		return err
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.server.rejection(s.server.rejectTo, to); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.server.takeFailure(); err != nil {
		return err
	}
	_, encrypted := s.conn.TLSConnectionState()
	s.server.record(Message{
		From:     s.from,
		To:       append([]string(nil), s.to...),
		Data:     data,
		Received: time.Now(),
		User:     s.user,
		TLS:      encrypted,
	})
	return nil
}

func (s *session) Reset() {
	s.from, s.to = "", nil
}

func (s *session) Logout() error { return nil }

// rejection returns the reply RejectSender or RejectRecipient set for addr
// in table. A nil *SMTPError must not become a non-nil error, hence the check.
func (s *Server) rejection(table map[string]*smtp.SMTPError, addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := table[strings.ToLower(addr)]; r != nil {
		return r
	}
	return nil
}

// takeFailure consumes one of the failures FailNext asked for, if any is left.
func (s *Server) takeFailure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext <= 0 {
		return nil
	}
	s.failNext--
	return smtpError(s.failCode, "delivery refused by test server")
}
