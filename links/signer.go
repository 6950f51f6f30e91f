package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Purposes keep a token made for one use from being accepted for another.
const (
	PurposeManage      = "manage"
	PurposeInvite      = "invite"
	PurposeUnsubscribe = "unsubscribe"
	PurposeFeed        = "feed"
	PurposeCSRF        = "csrf"
	PurposeApprove     = "approve"
	PurposeDecline     = "decline"
)

// Errors a client may be told about.
var (
	ErrInvalid = errors.New("this link is not valid: it may have been cut short or altered")
	ErrExpired = errors.New("this link has expired")
)

// maxLen bounds what Verify reads, so a huge token costs nothing.
const maxLen = 1024

// enc is strict: it refuses the spare bits a lax decoder ignores, so one token
// has one spelling.
var enc = base64.RawURLEncoding.Strict()

// Signer makes and checks tokens with one key. A token names a purpose
// (manage a booking, book from an invitation), a subject and an expiry,
// and carries an HMAC-SHA256 over all three.
type Signer struct {
	key      []byte
	previous [][]byte // keys still accepted, never used to sign
	now      func() time.Time
	macs     *sync.Pool // of *macState under key, reused across calls
}

// macState is an HMAC under the signer's key and room for its input.
type macState struct {
	h   hash.Hash
	buf []byte
}

// NewSigner uses key (at least 32 bytes of secret) and the clock now.
func NewSigner(key []byte, now func() time.Time) *Signer {
	s := &Signer{key: key, now: now}
	s.macs = &sync.Pool{New: func() any { return &macState{h: hmac.New(sha256.New, s.key)} }}
	return s
}

// Sign returns a URL-safe token for subject, valid until expires.
func (s *Signer) Sign(purpose, subject string, expires time.Time) string {
	return string(s.appendToken(nil, purpose, subject, expires))
}

// appendToken appends the token Sign returns to dst.
func (s *Signer) appendToken(dst []byte, purpose, subject string, expires time.Time) []byte {
	from := len(dst)
	dst = enc.AppendEncode(dst, []byte(subject))
	dst = append(dst, '.')
	dst = strconv.AppendInt(dst, expires.Unix(), 36)
	var sum [sha256.Size]byte
	s.macTo(sum[:0], purpose, dst[from:])
	dst = append(dst, '.')
	return enc.AppendEncode(dst, sum[:])
}

// Verify checks a token made for purpose and returns its subject. The MAC
// is compared in constant time before anything else is trusted.
func (s *Signer) Verify(purpose, tok string) (string, error) {
	if len(tok) > maxLen || !canonical(tok) {
		return "", ErrInvalid
	}
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return "", ErrInvalid
	}
	body, sig := tok[:i], tok[i+1:]
	got, err := enc.DecodeString(sig)
	if err != nil || !s.signedByAny(got, purpose, body) {
		return "", ErrInvalid
	}
	subj64, exp36, ok := strings.Cut(body, ".")
	if !ok {
		return "", ErrInvalid
	}
	exp, err := strconv.ParseInt(exp36, 36, 64)
	if err != nil {
		return "", ErrInvalid
	}
	subject, err := enc.DecodeString(subj64)
	if err != nil {
		return "", ErrInvalid
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return "", ErrExpired
	}
	return string(subject), nil
}

// Accepting returns a signer that also accepts tokens signed with the
// previous keys: after the secret is rotated, links already sent keep
// working until they expire or the old key is dropped.
func (s *Signer) Accepting(previous ...[]byte) *Signer {
	out := *s
	for _, k := range previous {
		if len(k) > 0 {
			out.previous = append(out.previous, k)
		}
	}
	return &out
}

// signedByAny compares got with the MAC under every accepted key, each in
// constant time.
func (s *Signer) signedByAny(got []byte, purpose, body string) bool {
	ok := hmac.Equal(got, s.mac(purpose, body))
	for _, k := range s.previous {
		ok = hmacWith(k, purpose, body, got) || ok
	}
	return ok
}

func hmacWith(key []byte, purpose, body string, got []byte) bool {
	return hmac.Equal(got, (&Signer{key: key}).mac(purpose, body))
}

func (s *Signer) mac(purpose, body string) []byte {
	return s.macTo(make([]byte, 0, sha256.Size), purpose, []byte(body))
}

// macTo appends the MAC of purpose, a zero byte and body to dst, with a
// pooled HMAC when the signer has one.
func (s *Signer) macTo(dst []byte, purpose string, body []byte) []byte {
	if s.macs == nil {
		m := hmac.New(sha256.New, s.key)
		m.Write([]byte(purpose))
		m.Write([]byte{0})
		m.Write(body)
		return m.Sum(dst)
	}
	st := s.macs.Get().(*macState)
	st.buf = append(append(append(st.buf[:0], purpose...), 0), body...)
	st.h.Reset()
	st.h.Write(st.buf)
	dst = st.h.Sum(dst)
	if cap(st.buf) <= 1<<10 {
		s.macs.Put(st)
	}
	return dst
}

// canonical reports whether tok holds only what Sign writes: base64url
// letters and dots. The base64 decoder skips line breaks, so without this
// one token would have many spellings.
func canonical(tok string) bool {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
