package jobs

import (
	"errors"
	"strings"

	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/metrics"
)

// emailKind is the kind of a message, from the name its sent-marker uses
// ("invite:2", "remind:1:24h", "notice:cancelled:3").
func emailKind(what string) metrics.EmailKind {
	prefix, _, _ := strings.Cut(what, ":")
	switch prefix {
	case "invite":
		return metrics.EmailInvite
	case "update":
		return metrics.EmailUpdate
	case "cancel":
		return metrics.EmailCancel
	case "remind":
		return metrics.EmailReminder
	case "reflect":
		return metrics.EmailReflection
	case "digest":
		return metrics.EmailDigest
	}
	return metrics.EmailNotice
}

// sendResult says what a send's error means for the message: sent, tried
// again later, or never to go out (a 5xx, or a message the sender rejects).
func sendResult(err error) metrics.EmailResult {
	switch {
	case err == nil:
		return metrics.EmailSent
	case errors.Is(err, mailer.ErrInvalidMessage) || mailer.IsPermanent(err):
		return metrics.EmailRefused
	}
	return metrics.EmailRetry
}
