package web

import (
	"context"
	"net/http"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/locale"
)

// adminDaysShown is how many days the list shows: a week from the chosen
// date. Paging moves by a week, so no day is on two pages.
const adminDaysShown = 7

// adminDaysPage is the data of templates/pages/admin_days.html.
type adminDaysPage struct {
	pageLang
	Practice         string
	Date, Prev, Next string // YYYY-MM-DD: this page, the week before, the week after
	Range            string // "Tuesday 1 December 2026 – Monday 7 December 2026"
	Therapists       []adminTherapistDays
	Style            string
}

// adminTherapistDays is one therapist's bookings, by day in their zone.
type adminTherapistDays struct {
	Name, Zone string
	Days       []adminDay
}

type adminDay struct {
	Label string // "Tuesday 1 December 2026"
	// Off: the day is (or has) time off; its bookings stay and are flagged.
	Off      bool
	Bookings []adminRow
}

// adminRow is one booking in the list; Client is the client's name.
type adminRow struct {
	URL, Time, Session, Client, Status, Flag string
	// Attendance is what was recorded ("attended", "no-show"; "" none).
	Attendance string
	// LateCancel: the client cancelled inside the late-cancel window.
	LateCancel bool
	// OnTimeOff: a live booking in the therapist's time off, made before
	// the time off was added; time off does not cancel it.
	OnTimeOff bool
}

// adminDays answers GET /admin/: every booking of every therapist, any
// status, over the days from ?date= (today by default).
func (s *Server) adminDays(w http.ResponseWriter, r *http.Request) {
	l := s.adminLang()
	from, ok := s.adminDate(r.URL.Query().Get("date"))
	if !ok {
		s.errorKey(w, r, l, http.StatusBadRequest, "admin.error.date")
		return
	}
	last := from.AddDays(adminDaysShown - 1)
	p := adminDaysPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name,
		Date:     from.String(), Prev: from.AddDays(-7).String(), Next: from.AddDays(7).String(),
		Range: dayLabel(l, from) + " – " + dayLabel(l, last),
		Style: assetURL("admin.css"),
	}
	for _, th := range s.Config.Therapists {
		days, err := s.therapistDays(r.Context(), l, th, from)
		if err != nil {
			_ = s.unavailable(r.Context(), "admin list", err)
			s.adminUnavailable(w, r)
			return
		}
		p.Therapists = append(p.Therapists, days)
	}
	s.page(w, r, http.StatusOK, "admin_days", p)
}

// adminDate reads ?date=; empty means today in the first therapist's zone,
// the practice's own day.
func (s *Server) adminDate(q string) (calendar.Date, bool) {
	if q != "" {
		d, err := calendar.ParseDate(q)
		return d, err == nil
	}
	return calendar.DateOf(s.Now().In(s.practiceZone())), true
}

// therapistDays lists the therapist's bookings that start on the shown
// days, each day read in the therapist's zone, with the days of time off
// and the live bookings on them flagged.
func (s *Server) therapistDays(ctx context.Context, l *locale.Localizer, th config.Therapist, from calendar.Date) (adminTherapistDays, error) {
	loc := zoneOf(th)
	list, err := s.Store.List(ctx, th.ID, from.Midnight(loc), from.AddDays(adminDaysShown).Midnight(loc))
	if err != nil {
		return adminTherapistDays{}, err
	}
	off, err := s.Appointments.OnTimeOff(ctx, th)
	if err != nil {
		return adminTherapistDays{}, err
	}
	out := adminTherapistDays{Name: th.Name, Zone: l.Zone(loc, from.Midnight(loc)), Days: make([]adminDay, adminDaysShown)}
	for i := range out.Days {
		d := from.AddDays(i)
		out.Days[i].Label = dayLabel(l, d)
		out.Days[i].Off = off(d.Midnight(loc), d.AddDays(1).Midnight(loc))
	}
	for _, b := range list {
		i := daysBetween(from, calendar.DateOf(b.Start.In(loc)))
		if i < 0 || i >= adminDaysShown {
			continue // List's bounds keep every start inside; this guards the index only
		}
		row := s.adminRow(l, b, loc)
		row.OnTimeOff = b.Status.Live() && off(b.Start, b.End)
		out.Days[i].Bookings = append(out.Days[i].Bookings, row)
	}
	return out, nil
}

func (s *Server) adminRow(l *locale.Localizer, b booking.Booking, loc *time.Location) adminRow {
	start, end := b.Start.In(loc), b.End.In(loc)
	return adminRow{
		URL:  s.Links.AdminPath(b.ID),
		Time: l.Time(start) + "–" + l.Time(end), Session: s.sessionName(b.Type),
		Client: b.Name, Status: string(b.Status), Flag: b.Flag,
		Attendance: attendanceLabel(l, b.Attendance), LateCancel: b.LateCancel,
	}
}

// attendanceLabel is what was recorded, in l ("attended", "no-show"; ""
// none).
func attendanceLabel(l *locale.Localizer, a booking.Attendance) string {
	switch a {
	case booking.Attended:
		return l.T("admin.attendance.attended")
	case booking.NoShow:
		return l.T("admin.attendance.no_show")
	}
	return ""
}

// sessionName is the session type's name, or its id when the type has left
// the configuration since the booking was made.
func (s *Server) sessionName(id string) string {
	if st, ok := s.Config.SessionType(id); ok && st.Name != "" {
		return st.Name
	}
	return id
}

// zoneOf is the therapist's zone; UTC for a therapist no longer configured
// (whose Location is nil), so a page never fails on an old booking.
func zoneOf(th config.Therapist) *time.Location {
	if loc := th.Location(); loc != nil {
		return loc
	}
	return time.UTC
}

// dayLabel is a date written out in l: "Tuesday 1 December 2026".
func dayLabel(l *locale.Localizer, d calendar.Date) string {
	return l.Date(d.Midnight(time.UTC))
}

// daysBetween counts whole days from a to b, free of any zone's DST.
func daysBetween(a, b calendar.Date) int {
	return int(b.Midnight(time.UTC).Sub(a.Midnight(time.UTC)).Hours() / 24)
}
