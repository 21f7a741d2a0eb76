package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// The widths of the doc comments genlists writes: the text of a paragraph
// is wrapped at textWidth columns, and a field's description in a table is
// cut at aboutWidth.
const (
	textWidth  = 72
	aboutWidth = 60
)

// modelDoc is the doc comment of the alias of s, as lines without the
// comment markers: a paragraph from the spec's description, then a table
// of the fields of a struct or of the values of an enum. Lines of a table
// start with a tab, which makes go doc show them as a code block.
func modelDoc(s schema) []string {
	lines := wrap(summary(s.goName, s.description), textWidth)
	switch {
	case len(s.values) > 0:
		rows := [][]string{{"Constant", "Value"}}
		for _, v := range s.values {
			rows = append(rows, []string{v.goName, fmt.Sprintf("%q", v.value)})
		}
		lines = append(lines, "", "Its values, as constants of this package and on the wire:", "")
		lines = append(lines, tabulate(rows)...)
	case len(s.fields) > 0:
		rows := [][]string{{"Field", "Type", "JSON", "Description"}}
		for _, f := range s.fields {
			rows = append(rows, []string{f.name, f.goType, f.json, about(f.doc)})
		}
		lines = append(lines, "")
		lines = append(lines, tabulate(rows)...)
	}
	return lines
}

// summary turns the spec's description of a schema into a sentence that
// starts with the Go name: "The signed-in user." becomes "UserProfile is
// the signed-in user.", and a description that does not start with an
// article is kept as it is after the name and a colon.
func summary(goName, description string) string {
	d := strings.Join(strings.Fields(description), " ")
	if d == "" {
		return goName + " has no description in the spec."
	}
	first, rest, _ := strings.Cut(d, " ")
	switch first {
	case "A", "An", "The", "One":
		return goName + " is " + strings.ToLower(first) + " " + rest
	}
	return goName + ": " + d
}

// about is the description of a field in a table: the first sentence of
// its doc comment without the final period, cut at a word boundary when it
// is longer than aboutWidth.
func about(doc string) string {
	s := doc
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	s = strings.TrimSuffix(s, ".")
	if utf8.RuneCountInString(s) <= aboutWidth {
		return s
	}
	// Keep the words that fit in aboutWidth-1 runes, leaving room for "…".
	cut, n := 0, 0
	for i, r := range s {
		if n == aboutWidth-1 {
			if cut == 0 {
				cut = i // one long word: cut inside it
			}
			break
		}
		if r == ' ' {
			cut = i
		}
		n++
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// wrap breaks text into lines of at most width runes, at spaces; a longer
// word gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	for _, w := range strings.Fields(text) {
		if line.Len() > 0 && utf8.RuneCountInString(line.String())+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// tabulate aligns rows into columns two spaces apart; each line starts
// with a tab and has no trailing spaces.
func tabulate(rows [][]string) []string {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		lines = append(lines, "\t"+strings.TrimRight(l, " "))
	}
	return lines
}

// writeComment writes lines as a // comment, each line indented by indent.
func writeComment(b *bytes.Buffer, indent string, lines []string) {
	for _, l := range lines {
		switch {
		case l == "":
			fmt.Fprintf(b, "%s//\n", indent)
		case strings.HasPrefix(l, "\t"):
			fmt.Fprintf(b, "%s//%s\n", indent, l)
		default:
			fmt.Fprintf(b, "%s// %s\n", indent, l)
		}
	}
}
