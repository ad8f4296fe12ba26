package events

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

var jsonLexer = chroma.Coalesce(lexers.Get("json"))

// highlightJSON colours one already sanitized line of indented JSON with
// the theme's roles. Lines are lexed alone: indented JSON never splits a
// token across lines, so nothing is lost, and only visible lines are lexed.
func (d *Detail) highlightJSON(line string) string {
	it, err := jsonLexer.Tokenise(nil, line)
	if err != nil {
		return line
	}
	var b strings.Builder
	for _, t := range it.Tokens() {
		v := strings.TrimSuffix(t.Value, "\n") // the lexer ensures a final newline
		b.WriteString(d.roleOf(t.Type).Render(v))
	}
	return b.String()
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
func cellWidth(s string) int { return lipgloss.Width(s) }
