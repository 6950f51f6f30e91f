package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/consultd/consultd/config"
)

// MaxFeedBytes bounds one feed: a year of a busy calendar is far smaller.
const MaxFeedBytes = 5 << 20

// userAgent names the service to calendar servers.
const userAgent = "consultd (busy-time feed reader)"

// validators are what a server said about its copy, for a conditional GET.
type validators struct {
	etag, lastModified string
}

// fetched is the result of one read: the body, or notModified when the
// server said the copy we sent validators for is still current.
type fetched struct {
	body        []byte
	notModified bool
	validators  validators
}

// Name is how a feed appears in logs and errors: its place in the
// configuration and, for a URL, the host only (the path of a private
// calendar is its password); for a file, the file's base name.
func Name(index int, source config.Secret) string {
	s := source.Reveal()
	where := "file " + filepath.Base(s)
	if config.IsURL(s) {
		where = "host unknown"
		if u, err := url.Parse(s); err == nil {
			where = u.Hostname()
		}
	}
	return fmt.Sprintf("busy_ics[%d] %s", index, where)
}

// fetch reads a feed: a file, or a URL with a conditional GET when v holds
// validators of a copy we still have.
func fetch(ctx context.Context, client *http.Client, source config.Secret, v validators) (fetched, error) {
	if !config.IsURL(source.Reveal()) {
		body, err := readFile(source.Reveal())
		return fetched{body: body}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source.Reveal(), nil)
	if err != nil {
		return fetched{}, errors.New("the URL cannot be requested")
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if v.etag != "" {
		req.Header.Set("If-None-Match", v.etag)
	}
	if v.lastModified != "" {
		req.Header.Set("If-Modified-Since", v.lastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fetched{}, withoutURL(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && v != (validators{}):
		return fetched{notModified: true, validators: v}, nil
	case resp.StatusCode != http.StatusOK:
		return fetched{}, fmt.Errorf("the server answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := readLimited(resp.Body)
	if err != nil {
		return fetched{}, withoutURL(err)
	}
	return fetched{body: body, validators: validators{
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	}}, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close()
	body, err := readLimited(f)
	return body, withoutPath(err)
}

// readLimited reads all of r, refusing more than MaxFeedBytes.
func readLimited(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxFeedBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxFeedBytes {
		return nil, fmt.Errorf("the feed is larger than %d MiB", MaxFeedBytes>>20)
	}
	return body, nil
}

// withoutURL drops the URL that net/http puts in its errors.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// withoutPath keeps the base name of a file in its errors, like Name.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", pe.Op, filepath.Base(pe.Path), pe.Err)
	}
	return err
}
