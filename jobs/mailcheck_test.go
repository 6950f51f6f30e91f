//go:build mailcheck

package jobs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/smtp"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/mailer"
)

// minSupported is the share of the HTML and CSS of every email that email
// clients support, as Mailpit's HTML check (caniemail's data) counts it.
const minSupported = 90.0

// TestMailpitHTMLCheck sends one email of every kind to a running Mailpit
// (make mailcheck starts one) and fails when Mailpit finds any of them
// below minSupported. MAILPIT_SMTP and MAILPIT_API say where it listens.
func TestMailpitHTMLCheck(t *testing.T) {
	smtpAddr := envOr("MAILPIT_SMTP", "127.0.0.1:1025")
	api := strings.TrimSuffix(envOr("MAILPIT_API", "http://127.0.0.1:8025"), "/")
	waitForMailpit(t, api)
	msgs := everyEmail(t, testComposer(t), "")
	for name, m := range everyEmail(t, spanishComposer(t), "es") {
		msgs["es/"+name] = m
	}
	names := make([]string, 0, len(msgs))
	for name := range msgs {
		names = append(names, name)
	}
	sort.Strings(names)
	t.Logf("%-26s %9s %8s %12s  warnings", "email", "supported", "partial", "unsupported")
	for _, name := range names {
		m := msgs[name]
		raw, err := mailer.Render(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A Message-ID is the same on every run: drop the last run's copy.
		del(t, api+"/api/v1/search?"+url.Values{"query": {"message-id:" + m.MessageID}}.Encode())
		if err := smtp.SendMail(smtpAddr, nil, m.From.Email, []string{m.To.Email}, raw); err != nil {
			t.Fatalf("%s: send to Mailpit at %s: %v (is it running? make mailcheck starts one)", name, smtpAddr, err)
		}
		id := mailpitID(t, api, m.MessageID)
		var check struct {
			Total struct {
				Supported, Partial, Unsupported float64
				Nodes                           int
			}
			Warnings []struct {
				Title string
				Score struct {
					Found                           int
					Supported, Partial, Unsupported float64
				}
			}
		}
		getJSON(t, api+"/api/v1/message/"+id+"/html-check", &check)
		// Mailpit counts the worst partly and the worst not supported
		// feature, each weighed by the share of elements that use it: the
		// first few warnings (it sorts them so) decide the figure.
		var warned []string
		for _, w := range check.Warnings[:min(4, len(check.Warnings))] {
			warned = append(warned, fmt.Sprintf("%s on %d of %d elements (%.0f%% supported)", w.Title, w.Score.Found,
				check.Total.Nodes, w.Score.Supported))
		}
		t.Logf("%-26s %8.2f%% %7.2f%% %11.2f%%  %s", name, check.Total.Supported, check.Total.Partial,
			check.Total.Unsupported, strings.Join(warned, "; "))
		if check.Total.Supported < minSupported {
			t.Errorf("%s: %.2f%% supported, want at least %.0f%%", name, check.Total.Supported, minSupported)
		}
	}
}

// mailpitID is Mailpit's ID of the message with this Message-ID, once it
// has arrived.
func mailpitID(t *testing.T, api, messageID string) string {
	t.Helper()
	q := url.Values{"query": {"message-id:" + messageID}}
	for range 50 {
		var found struct{ Messages []struct{ ID string } }
		getJSON(t, api+"/api/v1/search?"+q.Encode(), &found)
		if len(found.Messages) > 0 {
			return found.Messages[0].ID
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("Mailpit never showed %s", messageID)
	return ""
}

// waitForMailpit gives a Mailpit just started a few seconds to answer.
func waitForMailpit(t *testing.T, api string) {
	t.Helper()
	var err error
	for range 50 {
		var resp *http.Response
		if resp, err = http.Get(api + "/api/v1/info"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no Mailpit at %s (%v): make mailcheck starts one", api, err)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func del(t *testing.T, u string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE %s: %s", u, resp.Status)
	}
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
