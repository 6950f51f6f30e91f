package links

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"time"
)

// sealedPrefix starts a sealed token; signed tokens hold dots instead, so
// the two never meet.
const sealedPrefix = "s"

// Seal returns a URL-safe token that carries subject encrypted and
// authenticated (AES-256-GCM under a key derived from the secret for this
// purpose), valid until expires: unlike Sign, nothing of the subject can
// be read from the link in a proxy's log or the browser's history.
func (s *Signer) Seal(purpose, subject string, expires time.Time) string {
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	plain := binary.BigEndian.AppendUint64(nil, uint64(expires.Unix()))
	plain = append(plain, subject...)
	sealed := aead(s.key, purpose).Seal(nonce, nonce, plain, []byte(purpose))
	return sealedPrefix + enc.EncodeToString(sealed)
}

// Open checks a token made by Seal for purpose, under the key or one still
// accepted, and returns its subject.
func (s *Signer) Open(purpose, tok string) (string, error) {
	body, ok := strings.CutPrefix(tok, sealedPrefix)
	if !ok || len(tok) > maxLen || !canonical(tok) || strings.Contains(tok, ".") {
		return "", ErrInvalid
	}
	raw, err := enc.DecodeString(body)
	if err != nil || len(raw) < 12+8 {
		return "", ErrInvalid
	}
	for _, key := range append([][]byte{s.key}, s.previous...) {
		plain, err := aead(key, purpose).Open(nil, raw[:12], raw[12:], []byte(purpose))
		if err != nil || len(plain) < 8 {
			continue
		}
		if !s.now().Before(time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)) {
			return "", ErrExpired
		}
		return string(plain[8:]), nil
	}
	return "", ErrInvalid
}

// aead is AES-256-GCM under a key of its own for purpose, derived from the
// secret, so sealing shares no key with signing.
func aead(secret []byte, purpose string) cipher.AEAD {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("consultd seal\x00" + purpose))
	block, _ := aes.NewCipher(m.Sum(nil)) // 32 bytes: never fails
	gcm, _ := cipher.NewGCM(block)        // a standard block: never fails
	return gcm
}
