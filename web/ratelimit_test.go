package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// TestIntakeLimitIsOneForAPIAndForm: the JSON API and the booking form
// draw on one limit per address; over it, each answers 429 in its own form
// with a Retry-After, and once that has passed a request is let through.
func TestIntakeLimitIsOneForAPIAndForm(t *testing.T) {
	e := startPageEnv(t)
	deps := e.srv.Deps
	// Two requests, then one more every second: short, to keep the test quick.
	deps.Limiter = newRateLimiter(e.redis.Client(t), redis_rate.Limit{Rate: 2, Burst: 2, Period: 2 * time.Second}, redis_rate.PerMinute(adminFailuresPerMinute))
	srv := httptest.NewServer(New(deps).Handler())
	defer srv.Close()
	api := func() *http.Response {
		resp, err := http.Post(srv.URL+"/api/bookings", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	form := func() *http.Response {
		resp, err := http.PostForm(srv.URL+"/book", url.Values{"type": {"consultation"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := api(); r.StatusCode != 422 {
		t.Fatalf("first API request = %d, want 422", r.StatusCode)
	}
	if r := form(); r.StatusCode == 429 {
		t.Fatal("the form post within the limit is refused")
	}
	over := form()
	if over.StatusCode != 429 || !strings.HasPrefix(over.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("form post over the limit = %d %s, want a 429 page", over.StatusCode, over.Header.Get("Content-Type"))
	}
	overAPI := api()
	if overAPI.StatusCode != 429 || !strings.HasPrefix(overAPI.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("API request over the limit = %d %s, want a JSON 429", overAPI.StatusCode, overAPI.Header.Get("Content-Type"))
	}
	retry, err := strconv.Atoi(overAPI.Header.Get("Retry-After"))
	if err != nil || retry != 1 {
		t.Fatalf("Retry-After = %q, want 1 (one request back each second)", overAPI.Header.Get("Retry-After"))
	}
	time.Sleep(time.Duration(retry) * time.Second)
	if r := api(); r.StatusCode != 422 {
		t.Fatalf("API request after Retry-After = %d, want 422 (let through)", r.StatusCode)
	}
	if r := api(); r.StatusCode != 429 {
		t.Fatalf("the next one = %d, want 429: only one request came back", r.StatusCode)
	}
}
