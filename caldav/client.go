// Package caldav speaks to a therapist's own calendar on a CalDAV server:
// it writes one object per booking (PUT with If-None-Match or If-Match,
// DELETE with If-Match) and reads the collection's busy time with a
// time-range REPORT. Queries go through github.com/emersion/go-webdav; PUT,
// GET and DELETE are plain requests of our own, because its client sends no
// conditional headers.
//
// Errors name the server's host and a class (auth refused, unreachable,
// server error…), never a path, a user name or anything the server said:
// the path of a calendar often names the therapist's account.
package caldav

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav/caldav"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// userAgent names the service to calendar servers.
const userAgent = "consultd (therapist calendar)"

// maxObjectBytes bounds what is read of one calendar object or REPORT.
const maxObjectBytes = 5 << 20

// Client is one therapist's CalDAV account and calendar collection.
type Client struct {
	http       *http.Client
	user       string
	password   config.Secret
	collection *url.URL
	busy       []*url.URL // collections read for busy time, the written one first
	host       string
}

// New returns a client for cfg; hc is the HTTP client to use (its timeout
// or the request's context bounds each request).
func New(cfg config.CalDAV, hc *http.Client) (*Client, error) {
	coll, err := url.Parse(cfg.URL)
	if err != nil || coll.Host == "" {
		return nil, errors.New("caldav: the calendar's url is not a URL")
	}
	c := &Client{http: hc, user: cfg.Username, password: cfg.Password, collection: coll, busy: []*url.URL{coll}, host: coll.Hostname()}
	for _, raw := range cfg.BusyURLs {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return nil, errors.New("caldav: a busy_urls entry is not a URL")
		}
		c.busy = append(c.busy, u)
	}
	return c, nil
}

// Object is what the server holds at one name: whether there is anything,
// its ETag for a conditional write, and the SEQUENCE of our event in it.
type Object struct {
	Exists   bool
	ETag     string // as the server sent it, quotes included
	Sequence int
	Known    bool // the object carries a SEQUENCE we can read
}

// ObjectName is the file name in the collection of the object for uid.
func ObjectName(uid string) string {
	return url.PathEscape(uid) + ".ics"
}

func (c *Client) objectURL(name string) string {
	return c.collection.JoinPath(name).String()
}

// Get reads the object at name.
func (c *Client) Get(ctx context.Context, name string) (Object, error) {
	resp, err := c.do(ctx, "get", http.MethodGet, c.objectURL(name), nil, nil)
	if err != nil {
		return Object{}, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return Object{}, nil
	case resp.StatusCode != http.StatusOK:
		return Object{}, c.statusError("get", resp.StatusCode)
	}
	obj := Object{Exists: true, ETag: resp.Header.Get("ETag")}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxObjectBytes))
	if err != nil {
		return Object{}, c.netError("get", err)
	}
	if cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode(); err == nil {
		obj.Sequence, obj.Known = calendar.CopySequence(cal)
	}
	return obj, nil
}

// Put writes body at name: only if nothing is there when etag is "", else
// only if the object there still has that ETag. ErrChanged says the
// condition failed: someone else wrote or removed it meanwhile.
func (c *Client) Put(ctx context.Context, name string, body []byte, etag string) error {
	h := http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}
	if etag == "" {
		h.Set("If-None-Match", "*")
	} else {
		h.Set("If-Match", etag)
	}
	resp, err := c.do(ctx, "put", http.MethodPut, c.objectURL(name), body, h)
	if err != nil {
		return err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPreconditionFailed:
		return ErrChanged
	case resp.StatusCode/100 != 2:
		return c.statusError("put", resp.StatusCode)
	}
	return nil
}

// Delete removes the object at name if it still has etag. A missing
// object is no error: it is what a delete wants.
func (c *Client) Delete(ctx context.Context, name, etag string) error {
	h := http.Header{}
	if etag != "" {
		h.Set("If-Match", etag)
	}
	resp, err := c.do(ctx, "delete", http.MethodDelete, c.objectURL(name), nil, h)
	if err != nil {
		return err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil
	case resp.StatusCode == http.StatusPreconditionFailed:
		return ErrChanged
	case resp.StatusCode/100 != 2:
		return c.statusError("delete", resp.StatusCode)
	}
	return nil
}

// Busy is the time the therapist's collections mark busy within
// [from, to), read with a time-range REPORT per collection and expanded
// with the project's own recurrence code (go-webdav asks for no
// server-side expansion, and servers differ in how they expand
// overrides): RRULE, EXDATE and overrides, TRANSP and STATUS as
// calendar.BusyFromCalendar reads them. Events whose UID ends in
// "@"+ownHost, the service's own copies, are not busy.
func (c *Client) Busy(ctx context.Context, loc *time.Location, from, to time.Time, ownHost string) ([]calendar.Interval, error) {
	all := ical.NewCalendar()
	for _, coll := range c.busy {
		rec := &recorder{c: c}
		dav, err := caldav.NewClient(rec, coll.Scheme+"://"+coll.Host)
		if err != nil {
			return nil, fmt.Errorf("caldav: %s: %w", c.host, err)
		}
		objs, err := dav.QueryCalendar(ctx, coll.Path, &caldav.CalendarQuery{
			CompRequest: caldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
			CompFilter: caldav.CompFilter{Name: "VCALENDAR", Comps: []caldav.CompFilter{
				{Name: "VEVENT", Start: from.UTC(), End: to.UTC()},
			}},
		})
		if err != nil {
			if rec.status != 0 && rec.status/100 != 2 {
				return nil, c.statusError("report", rec.status)
			}
			if rec.status == 0 {
				return nil, c.netError("report", err)
			}
			return nil, &Error{Op: "report", Host: c.host, Class: ClassBadReply}
		}
		for _, o := range objs {
			if o.Data != nil {
				all.Children = append(all.Children, o.Data.Children...)
			}
		}
	}
	busy, err := calendar.BusyFromCalendar(all, loc, from, to, ownHost)
	if err != nil {
		return nil, &Error{Op: "report", Host: c.host, Class: ClassBadReply, cause: err}
	}
	return busy, nil
}

// recorder is the HTTP client go-webdav uses: it adds the account and
// keeps the status of the last answer, which go-webdav's errors hide.
type recorder struct {
	c      *Client
	status int
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.c.authorize(req)
	resp, err := r.c.http.Do(req)
	if err == nil {
		r.status = resp.StatusCode
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, maxObjectBytes), resp.Body}
	}
	return resp, err
}

func (c *Client) authorize(req *http.Request) {
	req.SetBasicAuth(c.user, c.password.Reveal())
	req.Header.Set("User-Agent", userAgent)
}

func (c *Client) do(ctx context.Context, op, method, target string, body []byte, h http.Header) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, &Error{Op: op, Host: c.host, Class: ClassUnreachable}
	}
	for k, v := range h {
		req.Header[k] = v
	}
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.netError(op, err)
	}
	return resp, nil
}

func (c *Client) statusError(op string, status int) error {
	class := ClassServer
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		class = ClassAuth
	case status == http.StatusNotFound && op == "report":
		class = ClassNoCalendar
	case status/100 == 4:
		class = ClassRefused
	}
	return &Error{Op: op, Host: c.host, Class: class, Status: status}
}

func (c *Client) netError(op string, err error) error {
	class := ClassUnreachable
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		class = ClassTimeout
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text carries the URL
	}
	return &Error{Op: op, Host: c.host, Class: class, cause: err}
}
