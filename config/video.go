package config

import (
	"net/url"
	"strings"
)

// RoomPlaceholder in a therapist's video_url is replaced by the booking's
// room name.
const RoomPlaceholder = "{room}"

// VideoLink is the therapist's video_url for one booking's room: the
// placeholder replaced by room, or the fixed room as written.
func (t Therapist) VideoLink(room string) string {
	return strings.ReplaceAll(t.VideoURL.Reveal(), RoomPlaceholder, url.PathEscape(room))
}

// validateVideoURL checks a video_url is an absolute https (or http)
// address; the value itself is never repeated in a problem.
func validateVideoURL(p *problems, key string, v Secret) {
	if !v.IsSet() {
		return
	}
	u, err := url.Parse(strings.ReplaceAll(v.Reveal(), RoomPlaceholder, "room"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.add(key, "is not an http(s) address")
	}
}
