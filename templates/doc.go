// Package templates owns the words consultd sends and shows: the email texts
// (plain text and HTML) and the web pages. They are embedded in the binary and
// parsed once by Load at start-up, so a broken template stops the start with the
// file's name instead of failing the first email. A directory on disk (config key
// templates.dir) may replace any built-in file by holding a file of the same
// relative path, as in knadh/listmonk; Load rejects files it does not know, which
// are most likely typos that would otherwise be silently ignored.
//
// # Emails
//
// Each email <name> (the Email* names) is two files:
//
//   - email/<name>.txt, a text/template whose {{define "subject"}} is the subject
//     and whose body is the plain-text part;
//   - email/<name>.html, an html/template that defines "body", wrapped by
//     {{define "layout"}} in email/layout.html.
//
// email/layout.txt and email/layout.html hold the pieces the emails share
// ("details", "therapist_details", "manage_link", "admin_link", "policy") so the
// same facts read the same way in every email. HTML uses inline styles and a
// single 560px column of tables, which Gmail, Outlook and Apple Mail all render.
//
// Privacy: the clients are a therapist's clients. Subjects say "Appointment with
// <practice>" and the time, never the session type (it may be clinical) nor the
// client's name. EmailData has no field for the note a client wrote when booking,
// and must not get one: no email carries it. Load renders every email with sample
// data, so an override that refers to a field that does not exist fails at start.
//
// # Pages
//
// pages/layout.html defines "layout": the HTML document with a "title" block, an
// optional "head" block (default: keep the page out of search engines) and a
// <main> holding the "content" block; it loads /static/site.css (see Static).
// Each page is parsed into its own clone of the layout, so pages never collide
// on "content". To add a page:
//
//  1. create pages/<name>.html with {{define "title"}} and {{define "content"}}
//     (and {{define "head"}} if it needs something else in <head>);
//  2. render it with Set.Page(w, "<name>", data); Load finds the file itself;
//  3. give it a golden file, as TestGoldenPages does for the error page.
//
// Load executes each page once with nil data so html/template checks its
// escaping contexts at start-up rather than on the first request; a page must
// therefore not depend on data to be well-formed HTML.
package templates
