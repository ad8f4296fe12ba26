package dialpad

import (
	"fmt"
	"math/rand"
	"strings"
)

// company is the seeded directory the generator draws from: one office
// with its main IVR, call centres with their agents, a department, users
// and outside contacts. Numbers are in the 555-01xx range reserved for
// fiction.
type company struct {
	office   ref
	ivr      ref
	centers  []ref
	agents   map[int64][]ref // call centre id → its agents
	dept     ref
	deptRing []ref // users the department rings
	users    []ref
	contacts []ref
}

var (
	userNames    = []string{"Maya Patel", "Jonas Berg", "Aiko Tanaka", "Luis Ortega", "Grace Kim", "Omar Haddad", "Nina Rossi", "Sam Carter", "Ines Duarte", "Tomas Novak"}
	contactNames = []string{"Priya Shah", "Daniel Weber", "Chloe Martin", "Kwame Mensah", "Lena Fischer", "Marco Bianchi", "Sofia Lindqvist", "Yusuf Demir", "Hannah Cole", "Rafael Souza"}
	areaCodes    = []string{"415", "628", "212", "312", "617", "206"}
)

func newCompany(rng *rand.Rand) company {
	id := func() int64 { return idMin + rng.Int63n(idSpan) }
	line := 100
	phone := func(area string) string {
		line++
		return fmt.Sprintf("+1%s55501%02d", area, line%100)
	}
	c := company{agents: map[int64][]ref{}}
	c.office = ref{ID: id(), Type: "office", Name: "Main Office", Phone: phone("415")}
	c.ivr = ref{ID: id(), Type: "callrouter", Name: "Main Line IVR", Phone: c.office.Phone, OfficeID: c.office.ID}
	users := rng.Perm(len(userNames))[:6]
	for _, i := range users {
		n := userNames[i]
		c.users = append(c.users, ref{ID: id(), Type: "user", Name: n, Email: email(n, "example.com"),
			Phone: phone("415"), OfficeID: c.office.ID})
	}
	for _, name := range []string{"Support", "Sales"} {
		cc := ref{ID: id(), Type: "callcenter", Name: name, Phone: phone("415"), OfficeID: c.office.ID}
		c.centers = append(c.centers, cc)
	}
	// Support has four agents, Sales three; two people work in both.
	c.agents[c.centers[0].ID] = c.users[0:4]
	c.agents[c.centers[1].ID] = c.users[2:5]
	c.dept = ref{ID: id(), Type: "department", Name: "Billing", Phone: phone("415"), OfficeID: c.office.ID}
	c.deptRing = []ref{c.users[4], c.users[5]}
	for _, i := range rng.Perm(len(contactNames))[:8] {
		n := contactNames[i]
		c.contacts = append(c.contacts, ref{ID: id(), Type: "local", Name: n, Email: email(n, "example.net"),
			Phone: phone(areaCodes[rng.Intn(len(areaCodes))])})
	}
	return c
}

func email(name, domain string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + domain
}

// centersOf lists the call centres an agent works in, as the strings
// agent status events carry.
func (c *company) centersOf(user int64) []string {
	var out []string
	for _, cc := range c.centers {
		for _, a := range c.agents[cc.ID] {
			if a.ID == user {
				out = append(out, fmt.Sprint(cc.ID))
			}
		}
	}
	return out
}

// isAgent reports whether user works in a call centre.
func (c *company) isAgent(user int64) bool { return len(c.centersOf(user)) > 0 }
