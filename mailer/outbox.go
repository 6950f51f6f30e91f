package mailer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Outbox writes each message as an .eml file instead of sending it, for
// development and for looking at what the SMTP server would receive.
type Outbox struct {
	dir string
}

var _ Sender = (*Outbox)(nil)

// NewOutbox creates dir if needed. It is private to the service's user
// (0700): the files hold clients' names and addresses.
func NewOutbox(dir string) (*Outbox, error) {
	if dir == "" {
		return nil, errors.New("mailer: outbox directory is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mailer: outbox: %w", err)
	}
	return &Outbox{dir: dir}, nil
}

// Send writes Render(m) to <dir>/<date>-<message id>.eml, where date is
// m.Date in UTC as yyyymmddThhmmss. The same message sent again replaces its
// file, as a retried SMTP send yields one message per Message-ID. The file
// appears whole or not at all.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	data, err := Render(m)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	name := m.Date.UTC().Format("20060102T150405") + "-" + fileSafe(m.MessageID) + ".eml"
	return writeFileAtomic(filepath.Join(o.dir, name), data)
}

// Close does nothing: the outbox holds no resources.
func (o *Outbox) Close() error { return nil }

// writeFileAtomic writes a temporary file in the same directory and renames
// it into place, so readers never see a partial message. os.CreateTemp
// creates it with mode 0600.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".outbox-*.tmp")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("outbox: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("outbox: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("outbox: close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("outbox: rename: %w", err)
	}
	return nil
}

// fileSafe keeps the characters of a message ID that are safe in a file name
// on any system and replaces the rest, path separators included.
func fileSafe(id string) string {
	const maxLen = 200
	var b strings.Builder
	for _, r := range id {
		if b.Len() >= maxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == '-', r == '_', r == '@', r == '+':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
