package web

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/consultd/consultd/token"
)

// Invite is what a therapist's booking link carries: the client's email,
// shown pre-filled, and the session types the client may book with it.
type Invite struct {
	Email string   `json:"e"`
	Types []string `json:"t"`
}

// InviteURL signs inv into a booking link under baseURL valid until expires.
func InviteURL(signer *token.Signer, baseURL string, inv Invite, expires time.Time) (string, error) {
	subject, err := json.Marshal(inv)
	if err != nil {
		return "", err
	}
	return baseURL + "/book/" + signer.Sign(token.PurposeInvite, string(subject), expires), nil
}

// readInvite checks an invite token and keeps only the session types that
// are still configured; a link that allows none of them is as good as
// invalid.
func (s *Server) readInvite(tok string) (*Invite, error) {
	subject, err := s.Signer.Verify(token.PurposeInvite, tok)
	if err != nil {
		return nil, err
	}
	var inv Invite
	if err := json.Unmarshal([]byte(subject), &inv); err != nil {
		return nil, token.ErrInvalid
	}
	inv.Types = slices.DeleteFunc(inv.Types, func(id string) bool {
		_, ok := s.Config.SessionType(id)
		return !ok
	})
	if len(inv.Types) == 0 {
		return nil, token.ErrInvalid
	}
	return &inv, nil
}

// allows reports whether a client may book type id; nil (the public page)
// allows every type.
func (inv *Invite) allows(id string) bool {
	return inv == nil || slices.Contains(inv.Types, id)
}
