package links

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/consultd/consultd/config"
)

// Invite is what a therapist's booking link carries: the client's email,
// shown pre-filled, and the session types the client may book with it.
type Invite struct {
	Email string   `json:"e"`
	Types []string `json:"t"`
	// EveryWeeks and Count, when set, make the link book a standing
	// appointment: Count sessions every EveryWeeks weeks from the time the
	// client chooses.
	EveryWeeks int `json:"w,omitempty"`
	Count      int `json:"n,omitempty"`
}

// Standing reports whether the link books a standing appointment.
func (inv *Invite) Standing() bool { return inv != nil && inv.Count > 0 }

// Allows reports whether a client may book type id; nil (the public page)
// allows every type.
func (inv *Invite) Allows(id string) bool {
	return inv == nil || slices.Contains(inv.Types, id)
}

// Invite seals inv into a booking link valid until expires: the client's
// address travels encrypted, so it shows in no log or browser history.
func (l *Links) Invite(inv Invite, expires time.Time) (string, error) {
	subject, err := json.Marshal(inv)
	if err != nil {
		return "", err
	}
	return l.cfg.BaseURL + "/book/" + l.signer.Seal(PurposeInvite, string(subject), expires), nil
}

// VerifyInvite checks an invite token and keeps only the session types
// that are still configured; a link that allows none of them is as good as
// invalid. Links made before invites were sealed (signed, with the address
// readable) keep working until they expire.
func (l *Links) VerifyInvite(tok string) (*Invite, error) {
	open := l.signer.Open
	if strings.Contains(tok, ".") {
		open = l.signer.Verify
	}
	subject, err := open(PurposeInvite, tok)
	if err != nil {
		return nil, err
	}
	var inv Invite
	if err := json.Unmarshal([]byte(subject), &inv); err != nil {
		return nil, ErrInvalid
	}
	inv.Types = slices.DeleteFunc(inv.Types, func(id string) bool {
		_, ok := l.cfg.SessionType(id)
		return !ok
	})
	if len(inv.Types) == 0 {
		return nil, ErrInvalid
	}
	return &inv, nil
}

// MaxInviteDays bounds an invite's life: a link in an old email should
// not book forever.
const MaxInviteDays = 365

// InviteProblem is why an invite cannot be made. Field is "email", "type"
// or "days"; Msg reads after the field's name or flag ("--days 0 is …").
type InviteProblem struct{ Field, Msg string }

// CheckInvite refuses what the booking page would refuse later, while the
// therapist can still fix it; the problems come in the order email, type,
// days. Both the link command and the admin page make links through it.
func CheckInvite(cfg *config.Config, inv Invite, days int) []InviteProblem {
	var out []InviteProblem
	if a, err := mail.ParseAddress(inv.Email); err != nil || a.Address != inv.Email {
		out = append(out, InviteProblem{"email", fmt.Sprintf("%q is not a plain email address such as sam@example.org", inv.Email)})
	}
	if len(inv.Types) == 0 {
		out = append(out, InviteProblem{"type", "is missing: a link needs at least one"})
	}
	for _, id := range inv.Types {
		if _, ok := cfg.SessionType(id); !ok {
			out = append(out, InviteProblem{"type", fmt.Sprintf("%q is not a configured session type", id)})
			break
		}
	}
	if inv.Count != 0 || inv.EveryWeeks != 0 {
		if inv.EveryWeeks != 1 && inv.EveryWeeks != 2 {
			out = append(out, InviteProblem{"every", fmt.Sprintf("%d is not allowed: a standing appointment is every 1 or 2 weeks", inv.EveryWeeks)})
		}
		if inv.Count < 2 || inv.Count > 52 {
			out = append(out, InviteProblem{"count", fmt.Sprintf("%d is not allowed: a standing appointment has 2 to 52 sessions", inv.Count)})
		}
	}
	if days < 1 || days > MaxInviteDays {
		out = append(out, InviteProblem{"days", fmt.Sprintf("%d is not allowed: a link lasts from 1 to %d days", days, MaxInviteDays)})
	}
	return out
}
