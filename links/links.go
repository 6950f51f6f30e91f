// Package links owns every signed URL of the service and its check: the
// client's manage and unsubscribe links, invitations to book, the
// therapists' private calendar feeds, and the plain booking and admin
// addresses put beside them. A token names a purpose, a subject and an
// expiry under an HMAC (see Signer); its format never changes, so links
// already sent keep working.
package links

import (
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/config"
)

// Links makes and checks the URLs of one configuration.
type Links struct {
	cfg    *config.Config
	signer *Signer
	ttl    time.Duration
	now    func() time.Time
}

// New makes links under cfg.BaseURL with signer. Manage links last the
// booking horizon plus a month, so a link in any email stays good until
// well after the session.
func New(cfg *config.Config, signer *Signer, now func() time.Time) *Links {
	return &Links{cfg: cfg, signer: signer, ttl: cfg.Booking.Horizon + 30*24*time.Hour, now: now}
}

// unsubscribeTTL: an opt-out link lasts a year.
const unsubscribeTTL = 365 * 24 * time.Hour

// feedTTL: a feed link lasts until it is revoked, in practice.
const feedTTL = 10 * 365 * 24 * time.Hour

// Manage is the client's page to cancel or reschedule a booking.
func (l *Links) Manage(bookingID string) string {
	buf := make([]byte, 0, len(l.cfg.BaseURL)+3+manageTokenLen(len(bookingID)))
	buf = append(append(buf, l.cfg.BaseURL...), "/m/"...)
	return string(l.signer.appendToken(buf, PurposeManage, bookingID, l.now().Add(l.ttl)))
}

// manageTokenLen is about the length of a token for a subject of n bytes:
// its base64, a dot, the expiry (up to 13 digits in base 36), a dot and
// the MAC's base64.
func manageTokenLen(n int) int { return enc.EncodedLen(n) + 1 + 13 + 1 + enc.EncodedLen(32) }

// VerifyManage checks a manage token and returns the booking it names.
func (l *Links) VerifyManage(tok string) (bookingID string, err error) {
	return l.signer.Verify(PurposeManage, tok)
}

// Unsubscribe is the one-click opt-out from reflection prompts; it names
// the booking, never the address.
func (l *Links) Unsubscribe(bookingID string) string {
	return l.cfg.BaseURL + "/u/" + l.signer.Sign(PurposeUnsubscribe, bookingID, l.now().Add(unsubscribeTTL))
}

// VerifyUnsubscribe checks an opt-out token and returns the booking it
// names.
func (l *Links) VerifyUnsubscribe(tok string) (bookingID string, err error) {
	return l.signer.Verify(PurposeUnsubscribe, tok)
}

// Form signs the nonce of a form's CSRF cookie into the token the form
// posts back (see web's csrfToken), valid until expires.
func (l *Links) Form(nonce string, expires time.Time) string {
	return l.signer.Sign(PurposeCSRF, nonce, expires)
}

// VerifyForm checks a form's CSRF token and returns the nonce it was made
// for.
func (l *Links) VerifyForm(tok string) (nonce string, err error) {
	return l.signer.Verify(PurposeCSRF, tok)
}

// Approve is the therapist's one-click link to approve a request, good
// until the request expires: it opens a confirmation page, which posts.
func (l *Links) Approve(bookingID string, expires time.Time) string {
	return l.cfg.BaseURL + "/approve/" + l.signer.Sign(PurposeApprove, bookingID, expires)
}

// Decline is Approve's twin that declines the request.
func (l *Links) Decline(bookingID string, expires time.Time) string {
	return l.cfg.BaseURL + "/decline/" + l.signer.Sign(PurposeDecline, bookingID, expires)
}

// VerifyApprove checks an approve token and returns the booking it names.
func (l *Links) VerifyApprove(tok string) (bookingID string, err error) {
	return l.signer.Verify(PurposeApprove, tok)
}

// VerifyDecline checks a decline token and returns the booking it names.
func (l *Links) VerifyDecline(tok string) (bookingID string, err error) {
	return l.signer.Verify(PurposeDecline, tok)
}

// Book is the public booking page.
func (l *Links) Book() string { return l.cfg.BaseURL + "/book" }

// Admin is the therapist's view of a booking, as put in emails.
func (l *Links) Admin(bookingID string) string { return l.cfg.BaseURL + l.AdminPath(bookingID) }

// AdminPath is Admin without the base URL, for the admin pages' own links.
func (l *Links) AdminPath(bookingID string) string { return "/admin/bookings/" + bookingID }

// Feed is the therapist's private calendar address for generation gen.
// Anyone with it sees initials and session types only; rotating the
// generation (consultd feed-link --rotate) revokes it.
func (l *Links) Feed(therapistID string, gen int64) string {
	subject := therapistID + "." + strconv.FormatInt(gen, 10)
	return strings.TrimRight(l.cfg.BaseURL, "/") + "/feed/" + l.signer.Sign(PurposeFeed, subject, l.now().Add(feedTTL)) + ".ics"
}

// VerifyFeed checks a feed token (the file name without ".ics") and
// returns the configured therapist and the generation it was made for;
// whether that generation is still current is the store's to say.
func (l *Links) VerifyFeed(tok string) (therapistID string, gen int64, err error) {
	subject, err := l.signer.Verify(PurposeFeed, tok)
	if err != nil {
		return "", 0, err
	}
	tid, genText, ok := strings.Cut(subject, ".")
	if _, known := l.cfg.Therapist(tid); !ok || !known {
		return "", 0, ErrInvalid
	}
	gen, err = strconv.ParseInt(genText, 10, 64)
	if err != nil || strconv.FormatInt(gen, 10) != genText {
		return "", 0, ErrInvalid
	}
	return tid, gen, nil
}
