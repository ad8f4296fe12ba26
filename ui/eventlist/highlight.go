package eventlist

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

var jsonLexer = chroma.Coalesce(lexers.Get("json"))

// lexLimit is the longest line worth lexing for colour; longer lines (a
// 5 MB string value) are drawn plain so a frame stays cheap.
const lexLimit = 4096

// highlightJSON colours bytes from..to of one line of indented JSON with
// the theme's roles, sanitized and cut to w cells, and says how many
// cells it took. The whole line is lexed, then only the part asked for
// is drawn (a part lexed alone would lex as garbage when a wrap splits a
// string); indented JSON never splits a token across lines, so lines lex
// alone, and only the lines on screen are lexed.
func (d *Detail) highlightJSON(line string, from, to, w int) (string, int) {
	if len(line) > lexLimit {
		s := Cut(line[from:to], w)
		return highlight(s, d.query, lipgloss.NewStyle().Render, d.st.Match.Render), cellWidth(s)
	}
	it, err := jsonLexer.Tokenise(nil, line)
	if err != nil {
		s := Cut(line[from:to], w)
		return s, cellWidth(s)
	}
	var b strings.Builder
	used, off := 0, 0
	tokens := it.Tokens()
	for i, t := range tokens {
		v := strings.TrimSuffix(t.Value, "\n") // the lexer ensures a final newline
		start, end := off, off+len(v)
		off = end
		if v == "" || end <= from || start >= to {
			continue
		}
		v = v[max(from-start, 0):min(to-start, len(v))]
		role := d.roleOf(t.Type)
		if isKey(tokens, i) {
			role = d.st.JSONKey
		}
		s := Sanitize(v)
		sw := cellWidth(s)
		if used+sw > w {
			s = Cut(s, w-used)
			b.WriteString(highlight(s, d.query, role.Render, d.st.Match.Render))
			return b.String(), used + cellWidth(s)
		}
		b.WriteString(highlight(s, d.query, role.Render, d.st.Match.Render))
		used += sw
	}
	return b.String(), used
}

// isKey says whether token i is an object key: a string followed by a
// colon. A line lexed alone has no enclosing object, so the lexer itself
// cannot tell keys from string values.
func isKey(tokens []chroma.Token, i int) bool {
	if !tokens[i].Type.InSubCategory(chroma.LiteralString) && tokens[i].Type != chroma.NameTag {
		return false
	}
	for _, t := range tokens[i+1:] {
		v := strings.TrimSpace(t.Value)
		if v == "" {
			continue
		}
		return strings.HasPrefix(v, ":")
	}
	return false
}

func (d *Detail) roleOf(t chroma.TokenType) lipgloss.Style {
	switch {
	case t == chroma.NameTag:
		return d.st.JSONKey
	case t.InSubCategory(chroma.LiteralString):
		return d.st.JSONString
	case t.InSubCategory(chroma.LiteralNumber):
		return d.st.JSONNumber
	case t.InCategory(chroma.Keyword):
		return d.st.JSONLiteral
	case t == chroma.Punctuation:
		return d.st.JSONPunct
	}
	return lipgloss.NewStyle()
}

// cellWidth is the width of a plain (unstyled) string in cells.
func cellWidth(s string) int { return Width(s) }
