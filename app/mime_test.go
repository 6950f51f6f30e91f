package app

import (
	"net/mail"
	"strings"
	"testing"

	"github.com/consultd/consultd/internal/testmail"
)

// part is one leaf of a parsed message with its place in the tree, e.g.
// "multipart/mixed/multipart/alternative/text/calendar".
type part struct {
	params map[string]string
	body   []byte
	path   string
}

// parseMessage reads a received message into its header and leaf parts.
func parseMessage(t *testing.T, data []byte) (*mail.Message, []part) {
	t.Helper()
	msg, root := testmail.Parse(t, data)
	return msg, leaves(root, "")
}

func leaves(p *testmail.Part, prefix string) []part {
	path := strings.TrimPrefix(prefix+"/"+p.MediaType, "/")
	if len(p.Children) == 0 {
		return []part{{params: p.Params, body: p.Body, path: path}}
	}
	var out []part
	for _, c := range p.Children {
		out = append(out, leaves(c, path)...)
	}
	return out
}

// find returns the parts whose path ends with suffix.
func find(parts []part, suffix string) []part {
	var out []part
	for _, p := range parts {
		if strings.HasSuffix(p.path, suffix) {
			out = append(out, p)
		}
	}
	return out
}
