package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
)

// startBilingual is the page env of a practice that offers English (the
// default) and Spanish; change adjusts the configuration further.
func startBilingual(t *testing.T, change func(*config.Config)) *pageEnv {
	t.Helper()
	return startPageEnvWith(t, func(c *config.Config) {
		c.Languages = []string{"en", "es"}
		if change != nil {
			change(c)
		}
	})
}

// getIn is a GET from a browser whose Accept-Language is header.
func (e *pageEnv) getIn(t *testing.T, path, header string) page {
	t.Helper()
	req, err := http.NewRequest("GET", e.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", header)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

// postIn is a POST of the booking form from a browser whose
// Accept-Language is header.
func (e *pageEnv) postIn(t *testing.T, path, header string, form url.Values) page {
	t.Helper()
	req, err := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", header)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

func lacks(t *testing.T, p page, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(p.body, n) {
			t.Errorf("page (%d) has %q", p.status, n)
		}
	}
}

// The booking page's language: the switch (?lang=), else the browser's
// Accept-Language among those offered (es-MX picks es), else the default;
// the form carries it, and the switch is there only with two languages.
func TestBookingPageLanguage(t *testing.T) {
	e := startBilingual(t, nil)
	tests := []struct {
		desc, path, header string
		lang               string
		wants, nots        []string
	}{
		{"a browser in Mexican Spanish", "/book", "es-MX,es;q=0.9,en;q=0.5", "es",
			[]string{"<h1>Reserve una cita con Riverside Practice</h1>", "Elija una hora", "Su correo electrónico",
				"Las horas se muestran en <span id=\"zone-name\">hora del Este</span>", "15 minutos",
				`<input type="hidden" name="language" value="es">`, `data-chosen="{day}, a las {time}"`,
				"Si está en crisis o en peligro", "Le rogamos que cancele", // the built-in crisis line and policy, translated
				`hreflang="en">English</a>`, `hreflang="es" aria-current="page">Español</a>`},
			[]string{"Choose a time", "Book this time"}},
		{"a browser in French: the default", "/book", "fr-FR,fr;q=0.9", "en",
			[]string{"<h1>Book a time with Riverside Practice</h1>", "Choose a time",
				`<input type="hidden" name="language" value="en">`, `hreflang="en" aria-current="page">English</a>`},
			[]string{"Elija una hora"}},
		{"the switch over the browser", "/book?lang=es&type=session", "en-US", "es",
			[]string{"Elija una hora", `href="/book?lang=es&amp;type=consultation"`, `<input type="hidden" name="type" value="session">`},
			[]string{"Choose a time"}},
		{"a switch to a language not offered: the browser's", "/book?lang=fr", "es", "es",
			[]string{"Elija una hora"}, nil},
	}
	dayRe := regexp.MustCompile(`<h3 class="day-label">(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de [a-z]+</h3>`)
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := e.getIn(t, tt.path, tt.header)
			if p.status != 200 || !strings.Contains(p.body, `<html lang="`+tt.lang+`">`) || p.header.Get("Content-Language") != tt.lang {
				t.Fatalf("%s = %d, lang %q, want 200 in %s", tt.path, p.status, p.header.Get("Content-Language"), tt.lang)
			}
			contains(t, p, tt.wants...)
			lacks(t, p, tt.nots...)
			if tt.lang == "es" && !dayRe.MatchString(p.body) {
				t.Error("the days are not headed in Spanish")
			}
		})
	}
	one := startPageEnv(t)
	if p := one.getIn(t, "/book", "es-MX"); !strings.Contains(p.body, `<html lang="en">`) || strings.Contains(p.body, `class="languages"`) {
		t.Errorf("with one language the page is in it, without a switch")
	}
}

// The form books in the language it carries, and the answer is in it; a
// language not offered is refused, naming the field and the languages
// offered, with nothing booked; the form's problems are in its language.
func TestBookingFormLanguage(t *testing.T) {
	e := startBilingual(t, nil)
	p := e.getIn(t, "/book?lang=es", "en-US")
	csrf, start := formOf(t, p)

	form := validForm(csrf, start)
	form.Set("language", "fr")
	refused := e.postIn(t, "/book", "en-US", form)
	if refused.status != 422 || e.bookings(t) != 0 {
		t.Fatalf("language fr = %d with %d bookings, want 422 and none", refused.status, e.bookings(t))
	}
	contains(t, refused, `id="language-error"`, `Language: &#34;fr&#34; is not offered. Please choose one of: en, es.`,
		"Nothing was booked yet")

	form.Set("language", "es")
	form.Set("name", "")
	noName := e.postIn(t, "/book", "en-US", form)
	contains(t, noName, `<html lang="es">`, "Escriba su nombre, por favor.", "Aún no se ha reservado nada")

	form.Set("name", "Sam Lee")
	form.Set("email", "sam@example.org\x01")
	contains(t, e.postIn(t, "/book", "en-US", form), "En la dirección de correo electrónico hay caracteres de control")

	form.Set("email", "sam@example.org")
	booked := e.postIn(t, "/book", "en-US", form)
	if booked.status != 201 {
		t.Fatalf("booking in Spanish = %d:\n%s", booked.status, booked.body)
	}
	contains(t, booked, `<html lang="es">`, "<h1>Su cita está reservada</h1>", "(hora del Reino Unido)", "Tenemos muchas ganas de conocerle.")
	list, err := e.store.List(t.Context(), "default", time.Now().Add(-time.Hour), time.Now().Add(e.cfg.Booking.Horizon+24*time.Hour))
	if err != nil || len(list) != 1 || list[0].Language != "es" {
		t.Fatalf("stored: %+v %v, want one booking in es", list, err)
	}
}

// spanishDate is a date as the Spanish catalog writes it.
var spanishDate = regexp.MustCompile(`(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de [a-z]+ de 20\d\d`)

// bookIn books a consultation through the API in lang and returns it with
// its manage path.
func (e *pageEnv) bookIn(t *testing.T, lang string, i int) (booking.Booking, string) {
	t.Helper()
	body := strings.Replace(jsonBooking(e.freeStarts(t)[i], "Sam Lee", "sam@example.org"), `}`,
		fmt.Sprintf(`,"language":%q,"timezone":"Europe/Madrid"}`, lang), 1)
	status, a, _ := e.api(t, "POST", "/api/bookings", body)
	if status != 201 {
		t.Fatalf("booking in %s = %d %+v", lang, status, a)
	}
	b, err := e.store.Get(t.Context(), a.ID)
	if err != nil || b.Language != lang {
		t.Fatalf("stored %+v %v, want language %s", b, err, lang)
	}
	u, _ := url.Parse(a.ManageURL)
	return b, u.Path
}

// The manage pages and the unsubscribe page are in the booking's language,
// whatever the browser says.
func TestManagePagesInTheBookingsLanguage(t *testing.T) {
	e := startBilingual(t, nil)
	b, path := e.bookIn(t, "es", 0)
	en, enPath := e.bookIn(t, "en", 1)
	_ = en

	manage := e.getIn(t, path, "en-US")
	contains(t, manage, `<html lang="es">`, "<h1>Su cita con Riverside Practice</h1>", "Cambiar a otra hora",
		"Las horas se muestran en hora de Europa central.", "Cancelar mi cita", "(hora de Europa central)",
		`<input type="hidden" name="language" value="es">`)
	lacks(t, manage, "Move my appointment")
	if !spanishDate.MatchString(manage.body) {
		t.Error("the manage page does not write the date in Spanish")
	}

	ask := e.getIn(t, path+"?cancel=1", "en-US")
	contains(t, ask, `<html lang="es">`, "<h1>¿Cancelar esta cita?</h1>", "¿Quiere contarle a su terapeuta el motivo?",
		"Sí, cancelar mi cita", "No, mantener la cita")
	csrf := csrfRe.FindStringSubmatch(ask.body)[1]
	tooLong := e.postIn(t, path+"/cancel", "en-US", url.Values{"csrf": {csrf}, "confirm": {"yes"}, "reason": {strings.Repeat("x", 501)}})
	contains(t, tooLong, "En el motivo caben como mucho 500 caracteres.")
	done := e.postIn(t, path+"/cancel", "en-US", url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	contains(t, done, `<html lang="es">`, "Su cita está cancelada.", "Reservar otra cita")
	if got, _ := e.store.Get(t.Context(), b.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("status %s, want cancelled", got.Status)
	}

	contains(t, e.getIn(t, enPath, "es-MX"), `<html lang="en">`, "Move my appointment")

	unsub, _ := url.Parse(e.links.Unsubscribe(b.ID))
	ask = e.getIn(t, unsub.Path, "en-US")
	contains(t, ask, `<html lang="es">`, "¿Dejar de recibir las notas de reflexión?", "Dejar de recibir las notas")
	stopped := e.postIn(t, unsub.Path, "en-US", url.Values{})
	contains(t, stopped, `<html lang="es">`, "Ya no recibirá más notas de reflexión")

	// A link that names no booking: the browser's language.
	contains(t, e.getIn(t, "/m/forged", "es-MX"), `<html lang="es">`, "Este enlace ha caducado o no es válido")
	contains(t, e.getIn(t, "/u/forged", "fr"), `<html lang="en">`, "This link has expired or is not valid")
}

// A series booked from a Spanish page keeps Spanish, and its manage page
// says so.
func TestSeriesManagePageInTheSeriesLanguage(t *testing.T) {
	e := startBilingual(t, nil)
	a := e.withAdmin(t, nil)
	first := e.daysWithSlots(t, 2)[1]
	start := e.slotsOn(t, first)[0]
	body := `{"type":"session","start":"` + start + `","name":"Sam Lee","email":"sam@example.org","every_weeks":1,"count":3,"language":"es"}`
	req, _ := http.NewRequest("POST", a.ts.URL+"/admin/api/series", strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ans := readPage(t, resp)
	m := regexp.MustCompile(`"manage_url":"([^"]+)"`).FindStringSubmatch(ans.body)
	if ans.status != 201 || m == nil {
		t.Fatalf("series = %d %s", ans.status, ans.body)
	}
	u, _ := url.Parse(m[1])
	p := a.getIn(t, u.Path, "en-US")
	contains(t, p, `<html lang="es">`, "<h1>Su cita fija con Riverside Practice</h1>", "Cada semana, los ",
		"Cambiar o cancelar esta sesión", "Cancelar las sesiones que quedan")
}

// Admin and the approval links are in the therapist's language; with
// several therapists, the pages about the whole practice in the first's
// and a booking's page in its therapist's.
func TestAdminInTheTherapistsLanguage(t *testing.T) {
	e := startBilingual(t, func(c *config.Config) {
		c.Therapists[0].Language = "es"
		c.SessionTypes[0].RequiresApproval = true
	})
	a := e.withAdmin(t, nil)
	b, _ := a.bookIn(t, "en", 0)
	days := a.adminDo(t, "GET", "/admin/", rightCredentials, nil)
	contains(t, days, `<html lang="es">`, "<h1>Reservas</h1>", "Semana anterior", "pendiente de aprobación", "horario: hora del Este")
	detail := a.adminDo(t, "GET", "/admin/bookings/"+b.ID, rightCredentials, nil)
	contains(t, detail, `<html lang="es">`, "Solicitud pendiente de aprobación", "Nota del cliente", "Rechazar")
	if !spanishDate.MatchString(detail.body) {
		t.Error("the booking's admin page does not write the date in Spanish")
	}
	contains(t, a.adminDo(t, "GET", "/admin/timeoff", rightCredentials, nil), "Añadir una ausencia")
	contains(t, a.adminDo(t, "GET", "/admin/links", rightCredentials, nil), "Un enlace de reserva para un cliente")
	contains(t, a.adminDo(t, "GET", "/admin/series", rightCredentials, nil), "Reservar la serie", "Cada dos semanas")
	contains(t, a.adminDo(t, "GET", "/admin/", nil, nil), `<html lang="es">`, "Inicie sesión, por favor")
	approve, _ := url.Parse(a.links.Approve(b.ID, time.Now().Add(time.Hour)))
	contains(t, a.get(t, approve.Path), `<html lang="es">`, "¿Aprobar esta solicitud?", "Aprobar y enviar la invitación")
	// The client's own pages stay in the client's language.
	contains(t, a.getIn(t, "/book", "en"), `<html lang="en">`)

	// A time off form sent back in Spanish, each field's problem in it.
	f := url.Values{"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"}, "from": {"2026-13-01"}, "from_time": {"1pm"}}
	p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, f)
	contains(t, p, "No se ha guardado nada", "«2026-13-01» no es una fecha", "«1pm» no es una hora")

	// A second therapist in English: the booking's page follows its therapist.
	two := startBilingual(t, func(c *config.Config) {
		c.Therapists[0].Language = "es"
		second := c.Therapists[0]
		second.ID, second.Name, second.Email, second.Language = "ben", "Ben Okafor", "ben@example.org", "en"
		c.Therapists = append(c.Therapists, second)
	}).withAdmin(t, nil)
	body := strings.Replace(jsonBooking(two.freeStarts(t)[0], "Sam Lee", "sam@example.org"), `}`, `,"therapist":"ben"}`, 1)
	status, ans, _ := two.api(t, "POST", "/api/bookings", body)
	if status != 201 {
		t.Fatalf("booking with ben = %d %+v", status, ans)
	}
	contains(t, two.adminDo(t, "GET", "/admin/bookings/"+ans.ID, rightCredentials, nil), `<html lang="en">`, "Client&#39;s note")
	contains(t, two.adminDo(t, "GET", "/admin/", rightCredentials, nil), `<html lang="es">`)
}

// Every status and flag a booking can carry has its words for the admin
// pages, and every key the web code names is in the default catalog (a
// typo would show the key itself on a page).
func TestAdminWordsAndKeysExist(t *testing.T) {
	l := english(t)
	for _, s := range []booking.Status{booking.StatusPending, booking.StatusHeld, booking.StatusConfirmed, booking.StatusCancelled} {
		if k := "admin.status." + string(s); l.T(k) == k {
			t.Errorf("no words for status %s", s)
		}
	}
	for _, f := range []string{booking.FlagDeclined, booking.FlagExpired, jobs.FlagUndeliverable} {
		if k := "admin.flag." + f; l.T(k) == k {
			t.Errorf("no words for flag %s", f)
		}
	}
	files, _ := filepath.Glob("*.go")
	keyRe := regexp.MustCompile(`"((?:page|admin)\.[a-z0-9_.]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, ".css") {
				continue // a prefix the code completes, or a file
			}
			found := slices.ContainsFunc([]string{key, key + ".title", key + ".one"}, func(k string) bool { return l.T(k) != k })
			if !found {
				t.Errorf("%s names %s, which the English catalog lacks", f, key)
			}
		}
	}
}

// A standing invite opened in Spanish books a series kept in Spanish,
// and says so in Spanish.
func TestStandingInviteInSpanish(t *testing.T) {
	e := startBilingual(t, nil)
	path := e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 1, Count: 4}, time.Now().Add(30*24*time.Hour))
	p := e.getIn(t, path, "es-MX")
	contains(t, p, `<html lang="es">`, "Con este enlace reserva una cita fija", "cada semana, 4 sesiones", "Reservar estas sesiones",
		`hreflang="en">English</a>`)
	csrf, start := formOf(t, p)
	form := url.Values{"csrf": {csrf}, "invite": {strings.TrimPrefix(path, "/book/")}, "type": {"session"}, "start": {start},
		"name": {"Sam Lee"}, "email": {"sam@example.org"}, "language": {"es"}}
	booked := e.postIn(t, "/book", "en-US", form)
	if booked.status != http.StatusCreated {
		t.Fatalf("the series = %d:\n%s", booked.status, booked.body)
	}
	contains(t, booked, `<html lang="es">`, "Es la primera de una cita fija: 4 sesiones, la última el ")
	m := regexp.MustCompile(`href="https://book.riverside.example/m/([^"]+)"`).FindStringSubmatch(booked.body)
	if m == nil {
		t.Fatal("no manage link on the page")
	}
	id, err := e.links.VerifyManage(m[1])
	if err != nil {
		t.Fatal(err)
	}
	sr, occ, err := e.store.GetSeries(t.Context(), id)
	if err != nil || sr.Language != "es" || len(occ) != 4 || occ[0].Language != "es" {
		t.Fatalf("stored series %+v (%d sessions) %v, want it and its sessions in es", sr, len(occ), err)
	}
}
