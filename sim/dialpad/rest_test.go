package dialpad

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The key is accepted as a bearer token (either case of the scheme) or
// as ?apikey=; anything else is a 401 with the JSON error envelope.
func TestAuth(t *testing.T) {
	_, base := startSim(t, Config{})
	list := base + "/api/v2/websockets"
	cases := []struct {
		name   string
		url    string
		header string
		want   int
	}{
		{"bearer", list, "Bearer " + DemoAPIKey, 200},
		{"lowercase bearer", list, "bearer " + DemoAPIKey, 200},
		{"apikey query", list + "?apikey=" + DemoAPIKey, "", 200},
		{"no key", list, "", 401},
		{"wrong key", list, "Bearer nope", 401},
		{"wrong query key", list + "?apikey=nope", "", 401},
		{"basic scheme", list, "Basic " + DemoAPIKey, 401},
		{"unknown path without key", base + "/api/v2/nothing", "", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := callWith(t, "GET", tc.url, nil, func(h http.Header) {
				if tc.header != "" {
					h.Set("Authorization", tc.header)
				}
			})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want == 401 {
				if e := r.apiError(t); e.Errors[0].Reason != "unauthorized" {
					t.Errorf("reason = %q", e.Errors[0].Reason)
				}
			}
		})
	}
}

func TestWebsocketLifecycle(t *testing.T) {
	_, base := startSim(t, Config{})
	plain := createWebsocket(t, base, "")
	if plain.Signature != nil {
		t.Errorf("a websocket without a secret has a signature: %+v", plain.Signature)
	}
	w := createWebsocket(t, base, "s3cret")
	if w.Signature == nil || *w.Signature != (struct{ Algo, Secret, Type string }{"HS256", "s3cret", "jwt"}) {
		t.Fatalf("signature = %+v", w.Signature)
	}
	if len(w.ID) != 16 || strings.Trim(w.ID, "0123456789") != "" {
		t.Errorf("id %q is not a 16-digit string", w.ID)
	}

	r := call(t, base, "PATCH", "/api/v2/websockets/"+w.ID, map[string]string{"secret": "new"})
	mustOK(t, r)
	var got wsJSON
	r.decode(t, &got)
	if got.Signature == nil || got.Signature.Secret != "new" || got.WebsocketURL == "" {
		t.Fatalf("after PATCH: %s", r.body)
	}

	r = call(t, base, "DELETE", "/api/v2/websockets/"+w.ID, nil)
	mustOK(t, r)
	var deleted wsJSON
	r.decode(t, &deleted)
	if deleted.ID != w.ID || deleted.Signature == nil || deleted.Signature.Secret != "new" {
		t.Fatalf("DELETE did not answer the deleted websocket: %s", r.body)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		r := call(t, base, m, "/api/v2/websockets/"+w.ID, nil)
		if r.status != 404 || r.apiError(t).Errors[0].Reason != "notFound" {
			t.Errorf("%s after delete: %d %s", m, r.status, r.body)
		}
	}
	if r := call(t, base, "POST", "/api/v2/websockets", map[string]any{"secret": "two\nlines"}); r.status != 400 {
		t.Errorf("a multi-line secret was accepted: %d", r.status)
	}
	if r := call(t, base, "POST", "/api/v2/websockets", map[string]any{"secret": 5}); r.status != 400 {
		t.Errorf("a numeric secret was accepted: %d", r.status)
	}
}

// Lists page with an opaque cursor that is absent on the last page;
// items deleted between pages are neither repeated nor skipped.
func TestListCursorPagination(t *testing.T) {
	_, base := startSim(t, Config{})
	var ids []string
	for i := 0; i < 45; i++ {
		ids = append(ids, createWebsocket(t, base, "").ID)
	}
	var got []string
	cursor := ""
	pages := 0
	for {
		path := "/api/v2/websockets"
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		r := call(t, base, "GET", path, nil)
		mustOK(t, r)
		var page struct {
			Cursor *string  `json:"cursor"`
			Items  []wsJSON `json:"items"`
		}
		r.decode(t, &page)
		pages++
		if pages == 1 {
			// Deleting an item already answered, and one not yet, must
			// not shift the next pages.
			mustOK(t, call(t, base, "DELETE", "/api/v2/websockets/"+ids[0], nil))
			mustOK(t, call(t, base, "DELETE", "/api/v2/websockets/"+ids[30], nil))
		}
		for _, w := range page.Items {
			if w.WebsocketURL == "" {
				t.Fatal("a listed websocket has no URL")
			}
			got = append(got, w.ID)
		}
		if page.Cursor == nil {
			break
		}
		cursor = *page.Cursor
		if pages > 10 {
			t.Fatal("the cursor never ends")
		}
	}
	want := append(append([]string{}, ids[:30]...), ids[31:]...)
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != 3 {
		t.Errorf("got %d items in %d pages, want %d in 3 (in creation order)", len(got), pages, len(want))
	}

	r := call(t, base, "GET", "/api/v2/websockets?limit=5", nil)
	var page struct {
		Cursor string   `json:"cursor"`
		Items  []wsJSON `json:"items"`
	}
	r.decode(t, &page)
	if len(page.Items) != 5 || page.Cursor == "" {
		t.Errorf("limit=5: %d items, cursor %q", len(page.Items), page.Cursor)
	}
	for _, bad := range []string{"?cursor=nonsense", "?cursor=" + encodeCursor("call", 3), "?limit=0", "?limit=x"} {
		r := call(t, base, "GET", "/api/v2/websockets"+bad, nil)
		if r.status != 400 || r.apiError(t).Errors[0].LocationType != "parameter" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

// Each subscription type: create with the fields the spec requires,
// get, update, list, delete (answering the deleted one), then 404.
func TestSubscriptionCRUD(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	bodies := map[string]map[string]any{
		"call":         {"endpoint_id": w.ID, "call_states": []string{"ringing", "hangup"}, "target_type": "user", "target_id": 123},
		"sms":          {"endpoint_id": w.ID, "direction": "inbound", "status": true},
		"agent_status": {"endpoint_id": w.ID, "agent_type": "callcenter"},
		"contact":      {"endpoint_id": w.ID, "contact_type": "shared"},
		"changelog":    {"endpoint_id": w.ID},
	}
	for kind, body := range bodies {
		t.Run(kind, func(t *testing.T) {
			sub := createSub(t, base, kind, body)
			if sub.Enabled == nil || !*sub.Enabled || sub.Websocket == nil || sub.Websocket.ID != w.ID || sub.Websocket.WebsocketURL == "" {
				t.Fatalf("created: %+v", sub)
			}
			path := "/api/v2/subscriptions/" + kind + "/" + sub.ID
			update := map[string]any{"enabled": false}
			if kind == "contact" {
				update["contact_type"] = "local" // required on update too
			}
			r := call(t, base, "PATCH", path, update)
			mustOK(t, r)
			var got subJSON
			r.decode(t, &got)
			if got.Enabled == nil || *got.Enabled || got.ID != sub.ID {
				t.Fatalf("after PATCH: %s", r.body)
			}
			r = call(t, base, "GET", "/api/v2/subscriptions/"+kind, nil)
			var list struct{ Items []subJSON }
			r.decode(t, &list)
			if len(list.Items) != 1 || list.Items[0].ID != sub.ID {
				t.Fatalf("list: %s", r.body)
			}
			r = call(t, base, "DELETE", path, nil)
			mustOK(t, r)
			r.decode(t, &got)
			if got.ID != sub.ID {
				t.Fatalf("DELETE answered %s", r.body)
			}
			if r := call(t, base, "GET", path, nil); r.status != 404 {
				t.Fatalf("GET after delete: %d", r.status)
			}
		})
	}
	// Fields come back as the spec's examples show them.
	sub := createSub(t, base, "call", bodies["call"])
	if sub.TargetID != "123" || sub.TargetType != "user" || fmt.Sprint(sub.CallStates) != "[ringing hangup]" ||
		sub.GroupCallsOnly == nil || *sub.GroupCallsOnly {
		t.Errorf("call subscription as answered: %+v", sub)
	}
	sms := createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all"})
	if sms.IncludeInternal == nil || *sms.IncludeInternal || sms.Status == nil || *sms.Status {
		t.Errorf("sms defaults (include_internal false, status false) not answered: %+v", sms)
	}
	// An id under another type's path is not found.
	if r := call(t, base, "GET", "/api/v2/subscriptions/sms/"+sub.ID, nil); r.status != 404 {
		t.Errorf("a call subscription was found under sms: %d", r.status)
	}
}

// Ids are accepted as JSON numbers or strings and always answered as
// strings.
func TestIDsAsNumbersOrStrings(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	var n int64
	fmt.Sscan(w.ID, &n)
	for _, body := range []string{
		fmt.Sprintf(`{"endpoint_id": %d, "target_type": "office", "target_id": 5071678191976448}`, n),
		fmt.Sprintf(`{"endpoint_id": "%d", "target_type": "office", "target_id": "5071678191976448"}`, n),
	} {
		r := call(t, base, "POST", "/api/v2/subscriptions/call", body)
		mustOK(t, r)
		if !strings.Contains(string(r.body), `"target_id":"5071678191976448"`) || !strings.Contains(string(r.body), `"id":"`+w.ID+`"`) {
			t.Errorf("ids not answered as strings: %s", r.body)
		}
	}
}

// Missing required fields and values outside the spec's enums are 400s
// that name the field.
func TestSubscriptionValidation(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	contact := createSub(t, base, "contact", map[string]any{"endpoint_id": w.ID, "contact_type": "local"})
	cases := []struct {
		name, method, path, body, field string
	}{
		{"endpoint_id missing", "POST", "call", `{}`, "endpoint_id"},
		{"direction missing", "POST", "sms", `{"endpoint_id":"` + w.ID + `"}`, "direction"},
		{"direction not in enum", "POST", "sms", `{"endpoint_id":"` + w.ID + `","direction":"both"}`, "direction"},
		{"agent_type missing", "POST", "agent_status", `{"endpoint_id":"` + w.ID + `"}`, "agent_type"},
		{"agent_type not in enum", "POST", "agent_status", `{"endpoint_id":"` + w.ID + `","agent_type":"user"}`, "agent_type"},
		{"contact_type missing", "POST", "contact", `{"endpoint_id":"` + w.ID + `"}`, "contact_type"},
		{"contact_type missing on update", "PATCH", "contact/" + contact.ID, `{"enabled":false}`, "contact_type"},
		{"call state not in enum", "POST", "call", `{"endpoint_id":"` + w.ID + `","call_states":["ringing","rung"]}`, "call_states[1]"},
		{"call_states not a list", "POST", "call", `{"endpoint_id":"` + w.ID + `","call_states":"ringing"}`, "call_states"},
		{"target_type not in enum", "POST", "call", `{"endpoint_id":"` + w.ID + `","target_type":"team","target_id":1}`, "target_type"},
		{"target_id without target_type", "POST", "sms", `{"endpoint_id":"` + w.ID + `","direction":"all","target_id":1}`, "target_type"},
		{"target_type without target_id", "POST", "call", `{"endpoint_id":"` + w.ID + `","target_type":"user"}`, "target_id"},
		{"enabled not a boolean", "POST", "changelog", `{"endpoint_id":"` + w.ID + `","enabled":"yes"}`, "enabled"},
		{"endpoint_id not an id", "POST", "changelog", `{"endpoint_id":"abc"}`, "endpoint_id"},
		{"endpoint_id fractional", "POST", "changelog", `{"endpoint_id":1.5}`, "endpoint_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, base, tc.method, "/api/v2/subscriptions/"+tc.path, tc.body)
			if r.status != 400 {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			e := r.apiError(t)
			if e.Errors[0].Location != tc.field || !strings.Contains(e.Message, tc.field) {
				t.Errorf("error does not name %s: %s", tc.field, r.body)
			}
		})
	}
	if r := call(t, base, "POST", "/api/v2/subscriptions/call", `{"endpoint_id":`); r.status != 400 {
		t.Errorf("broken JSON: %d", r.status)
	}
	// The failed update changed nothing.
	r := call(t, base, "GET", "/api/v2/subscriptions/contact/"+contact.ID, nil)
	var got subJSON
	r.decode(t, &got)
	if !*got.Enabled {
		t.Error("a refused PATCH disabled the subscription")
	}
}

// endpoint_id must name a websocket that exists.
func TestUnknownEndpointIs404(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := createSub(t, base, "changelog", map[string]any{"endpoint_id": w.ID})
	for _, r := range []reply{
		call(t, base, "POST", "/api/v2/subscriptions/changelog", `{"endpoint_id":"1234567890123456"}`),
		call(t, base, "PATCH", "/api/v2/subscriptions/changelog/"+sub.ID, `{"endpoint_id":1234567890123456}`),
	} {
		if r.status != 404 || r.apiError(t).Errors[0].Location != "endpoint_id" {
			t.Errorf("unknown endpoint: %d %s", r.status, r.body)
		}
	}
}

// A company may have 100 subscriptions of a type, and 10 of a type
// without a target.
func TestSubscriptionLimits(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	for i := 0; i < 10; i++ {
		createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	}
	r := call(t, base, "POST", "/api/v2/subscriptions/call", map[string]any{"endpoint_id": w.ID})
	if r.status != 400 || r.apiError(t).Errors[0].Reason != "limitExceeded" {
		t.Fatalf("11th company-wide call subscription: %d %s", r.status, r.body)
	}
	for i := 0; i < 90; i++ {
		createSub(t, base, "call", map[string]any{"endpoint_id": w.ID, "target_type": "user", "target_id": 1000 + i})
	}
	r = call(t, base, "POST", "/api/v2/subscriptions/call", map[string]any{"endpoint_id": w.ID, "target_type": "user", "target_id": 1})
	if r.status != 400 || !strings.Contains(r.apiError(t).Message, "100") {
		t.Fatalf("101st call subscription: %d %s", r.status, r.body)
	}
	// Other types have their own count.
	createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all"})
}

// Past an operation's limit a request gets 429 with Retry-After until
// its window ends; each operation counts on its own.
func TestRateLimits(t *testing.T) {
	clk := newClock()
	_, base := startSim(t, Config{Now: clk.now, CreateRateLimit: 2, RateLimit: 3})
	createWebsocket(t, base, "")
	clk.advance(20 * time.Second)
	createWebsocket(t, base, "")
	r := call(t, base, "POST", "/api/v2/websockets", nil)
	if r.status != 429 || r.header.Get("Retry-After") != "40" || r.apiError(t).Errors[0].Reason != "rateLimitExceeded" {
		t.Fatalf("third create: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	for i := 0; i < 3; i++ {
		mustOK(t, call(t, base, "GET", "/api/v2/websockets", nil)) // its own bucket
	}
	if r := call(t, base, "GET", "/api/v2/websockets", nil); r.status != 429 {
		t.Fatalf("fourth list: %d", r.status)
	}
	clk.advance(40 * time.Second) // the create window (from 0 s) is over; the list one (from 20 s) is not
	createWebsocket(t, base, "")
	if r := call(t, base, "GET", "/api/v2/websockets", nil); r.status != 429 || r.header.Get("Retry-After") != "20" {
		t.Fatalf("list at 60 s: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	clk.advance(20 * time.Second)
	mustOK(t, call(t, base, "GET", "/api/v2/websockets", nil))
}

func TestUnknownPathsAndMethods(t *testing.T) {
	_, base := startSim(t, Config{})
	for path, want := range map[string]int{
		"/api/v2/webhooks":                 404,
		"/api/v2/subscriptions/voicemail":  404,
		"/api/v2/websockets/12/extra":      404,
		"/api/v2/websockets/abc":           400,
		"/api/v2/subscriptions/call/1.5":   400,
		"/api/v2/subscriptions/call/12345": 404,
		"/somewhere":                       404,
	} {
		r := call(t, base, "GET", path, nil)
		if r.status != want {
			t.Errorf("GET %s: %d, want %d", path, r.status, want)
		}
		r.apiError(t)
	}
	if r := call(t, base, "PUT", "/api/v2/websockets", nil); r.status != 405 {
		t.Errorf("PUT: %d", r.status)
	}
}

// Subscription lists page with the cursor too, and filter on the target
// (call and sms take target_type and target_id).
func TestSubscriptionListFilters(t *testing.T) {
	_, base := startSim(t, Config{PageSize: 4})
	w := createWebsocket(t, base, "")
	var user7 []string
	for i := 0; i < 9; i++ {
		target := map[string]any{"endpoint_id": w.ID, "target_type": "user", "target_id": 7}
		if i%3 == 0 {
			target["target_type"], target["target_id"] = "office", 9
		} else {
			user7 = append(user7, createSub(t, base, "call", target).ID)
			continue
		}
		createSub(t, base, "call", target)
	}
	var got []string
	path := "/api/v2/subscriptions/call?target_type=user&target_id=7"
	for pages := 0; ; pages++ {
		var page struct {
			Cursor string    `json:"cursor"`
			Items  []subJSON `json:"items"`
		}
		r := call(t, base, "GET", path, nil)
		mustOK(t, r)
		r.decode(t, &page)
		for _, s := range page.Items {
			if s.TargetType != "user" || s.TargetID != "7" {
				t.Fatalf("filtered list holds %+v", s)
			}
			got = append(got, s.ID)
		}
		if page.Cursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("the cursor never ends")
		}
		path = "/api/v2/subscriptions/call?target_type=user&target_id=7&cursor=" + url.QueryEscape(page.Cursor)
	}
	if fmt.Sprint(got) != fmt.Sprint(user7) {
		t.Errorf("got %v, want %v", got, user7)
	}
	if r := call(t, base, "GET", "/api/v2/subscriptions/sms?target_type=team", nil); r.status != 400 {
		t.Errorf("a bad target_type filter: %d", r.status)
	}
	if r := call(t, base, "GET", "/api/v2/subscriptions/call?cursor="+encodeCursor("sms", 1), nil); r.status != 400 {
		t.Errorf("another list's cursor: %d", r.status)
	}
}
