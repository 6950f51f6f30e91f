package appointments

import (
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/consultd/consultd/config"
)

// roomBytes makes a room name of 20 base32 characters (100 random bits).
const roomBytes = 12

var roomEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRoom is a new unguessable video room name for a session of type st,
// "" when st is not a video session. It is made once, when the slot is
// claimed, and stored with the booking, so a move keeps it. It is part of
// a meeting link: never logged.
func NewRoom(st config.SessionType) string {
	if !st.Video {
		return ""
	}
	b := make([]byte, roomBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return strings.ToLower(roomEncoding.EncodeToString(b))[:20]
}
