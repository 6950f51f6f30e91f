package config

import (
	"reflect"
	"strings"
)

// unknownKeys is a problem for each key under parent that no setting has,
// named by its full key (practice.nmae, therapists[0].nmae), with the
// setting it was probably meant to be.
func unknownKeys(parent string, keys []string) Problems {
	known := knownKeys(parent)
	out := make(Problems, 0, len(keys))
	for _, k := range keys {
		full := k
		if parent != "" {
			full = parent + "." + k
		}
		msg := "is not a setting (check the spelling)"
		if near := nearest(k, known); near != "" {
			msg = "is not a setting: did you mean " + strings.TrimSuffix(full, k) + near + "?"
		}
		out = append(out, Problem{Key: full, Msg: msg})
	}
	return out
}

// knownKeys are the settings directly under a key path such as
// "mail.smtp" or "therapists[0]", read from Config's mapstructure tags.
func knownKeys(path string) []string {
	t := reflect.TypeOf(Config{})
	if path != "" {
		for _, part := range strings.Split(path, ".") {
			name, _, _ := strings.Cut(part, "[")
			field, ok := fieldByTag(t, name)
			if !ok {
				return nil
			}
			t = field.Type
			for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
		}
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if tag := tagName(t.Field(i)); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		if f := t.Field(i); tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
	return name
}

// nearest is the known key closest to key, if only one is closest and it
// is within two edits (a swap of neighbours counts as one) and no more
// than one edit for every two letters of key.
func nearest(key string, known []string) string {
	best, bestDist, ties := "", 3, 0
	for _, k := range known {
		d := editDistance(key, k)
		if 2*d > len([]rune(key)) {
			continue
		}
		switch {
		case d < bestDist:
			best, bestDist, ties = k, d, 0
		case d == bestDist:
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// editDistance counts insertions, deletions, substitutions and swaps of
// neighbouring letters (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
