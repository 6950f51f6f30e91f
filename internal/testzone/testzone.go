// Package testzone finds tz database IDs (America/New_York) in what people
// read: emails and pages name zones as people say them, never by their ID.
package testzone

import "regexp"

var (
	// id is a tz database ID of one of the areas of the database.
	id = regexp.MustCompile(`\b(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|US)/[A-Za-z_+\-0-9]+(/[A-Za-z_]+)?`)
	// tag is an HTML tag with its attributes: a form's values may carry
	// IDs, which no one reads.
	tag = regexp.MustCompile(`<[^>]*>`)
)

// IDs returns the tz IDs in the text people see of s, HTML or plain text.
func IDs(s string) []string {
	return id.FindAllString(tag.ReplaceAllString(s, " "), -1)
}
