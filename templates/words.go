package templates

import (
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/consultd/consultd/locale"
)

// The words of an email come from the recipient's catalog: a template says
// {{.L.T "email.invite.booked" "Practice" .Practice}}, and the funcs below
// cover what a plain call cannot.

// textLabels are the labels of the plain-text details; label pads each to
// the widest of them in the email's language, so the values line up.
var textLabels = []string{"email.label.what", "email.label.when", "email.label.where", "email.label.client", "email.label.type"}

var textFuncs = texttemplate.FuncMap{
	// label is a details label with its colon, padded: "When:   ".
	"label": func(l *locale.Localizer, id string) string {
		s := l.T(id) + ":"
		return s + strings.Repeat(" ", max(1, labelWidth(l)-utf8.RuneCountInString(s)))
	},
	// indent is blanks as wide as a label, for a value's second line.
	"indent": func(l *locale.Localizer) string { return strings.Repeat(" ", labelWidth(l)) },
}

func labelWidth(l *locale.Localizer) int {
	w := 0
	for _, id := range textLabels {
		w = max(w, utf8.RuneCountInString(l.T(id)))
	}
	return w + 2 // the colon and one blank
}

// strongMark stands for the value in the message until it is escaped.
const strongMark = "\uE000"

// strong is message id with the value of its placeholder name in bold, for
// HTML: "Your sessions for <strong>Tuesday 1 December 2026</strong>:". The
// message and the value are both escaped; only the <strong> is markup.
func strong(l *locale.Localizer, id, name, value string) htmltemplate.HTML {
	s := htmltemplate.HTMLEscapeString(l.T(id, name, strongMark))
	return htmltemplate.HTML(strings.Replace(s, strongMark, "<strong>"+htmltemplate.HTMLEscapeString(value)+"</strong>", 1))
}

// messageIDs lists the catalog keys the trees name: the first argument of
// each .T call (.L.T "id", $.L.T "id") and the key of label and strong.
func messageIDs(trees ...*parse.Tree) []string {
	var ids []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		case *parse.CommandNode:
			if id, ok := messageID(n.Args); ok {
				ids = append(ids, id)
			}
			for _, a := range n.Args {
				walk(a)
			}
		}
	}
	for _, t := range trees {
		walk(t.Root)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// messageID is the key a command names, if it is a T, label or strong call
// with a constant key.
func messageID(args []parse.Node) (string, bool) {
	at := -1
	switch a := args[0].(type) {
	case *parse.FieldNode:
		if a.Ident[len(a.Ident)-1] == "T" {
			at = 1
		}
	case *parse.VariableNode:
		if len(a.Ident) > 1 && a.Ident[len(a.Ident)-1] == "T" {
			at = 1
		}
	case *parse.IdentifierNode:
		if a.Ident == "label" || a.Ident == "strong" {
			at = 2
		}
	}
	if at < 0 || at >= len(args) {
		return "", false
	}
	s, ok := args[at].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return s.Text, true
}

// checkMessages fails when an email names a key no catalog has (a typo in
// an override, which would otherwise show the key itself to the client).
// The error names the file the key is in: an email's or a layout's.
func (s *Set) checkMessages() error {
	l := s.catalogs.For(s.catalogs.Default())
	for _, name := range emailNames {
		t := s.emails[name]
		var trees []*parse.Tree
		for _, d := range t.text.Templates() {
			trees = append(trees, d.Tree)
		}
		for _, d := range t.html.Templates() {
			trees = append(trees, d.Tree)
		}
		trees = slices.DeleteFunc(trees, func(t *parse.Tree) bool { return t == nil })
		// In order, so Load reports the same error first on every run.
		slices.SortFunc(trees, func(a, b *parse.Tree) int { return strings.Compare(a.Name, b.Name) })
		for _, tree := range trees {
			for _, id := range messageIDs(tree) {
				if l.T(id) == id {
					return fmt.Errorf("email %s: %s: no message %q in locales/%s.yaml", name, tree.ParseName, id, s.catalogs.Default())
				}
			}
		}
	}
	return nil
}
