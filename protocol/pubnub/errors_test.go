package pubnub

import (
	"slices"
	"strings"
	"testing"
)

const jsonCT = `text/javascript; charset="UTF-8"`

// Every error body of the real service (§6.7) gets the category the
// clients give it, with the body's own words.
func TestClassifyTheServiceErrorBodies(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		cat    Category
		msg    string
		svc    string
	}{
		{"403 Access Manager", 403, `{"message":"Forbidden","payload":{"channels":["222_abc"],"channel-groups":[]},"error":true,"service":"Access Manager","status":403}`,
			CategoryAccessDenied, "Forbidden", "Access Manager"},
		{"400 invalid arguments", 400, `{"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}}`,
			CategoryBadRequest, "Invalid Arguments", ""},
		{"400 invalid sub key", 400, `{"status":400,"error":true,"message":"Invalid Subscribe Key","service":"Access Manager"}`,
			CategoryBadRequest, "Invalid Subscribe Key", "Access Manager"},
		{"413", 413, `{"status":413,"error":true,"service":"Balancer","message":"Request Entity Too Large."}`,
			CategoryUnknown, "Request Entity Too Large.", "Balancer"},
		{"429", 429, `{"status":429,"error":true,"message":"Too many requests."}`,
			CategoryUnknown, "Too many requests.", ""},
		{"array", 400, `[0,"Invalid Subscribe Key"]`, CategoryBadRequest, "Invalid Subscribe Key", ""},
		{"5xx text", 502, `Bad Gateway`, CategoryUnknown, "Bad Gateway", ""},
		{"empty 403", 403, ``, CategoryAccessDenied, "Forbidden", ""},
		// A 200 that states an error is one, with the body's status.
		{"200 error object", 200, `{"error":1,"status":403,"message":"Forbidden","service":"Access Manager"}`,
			CategoryAccessDenied, "Forbidden", "Access Manager"},
	} {
		f := Classify(c.status, jsonCT, []byte(c.body))
		if f == nil {
			t.Errorf("%s: no failure", c.name)
			continue
		}
		if f.Category != c.cat || f.Message != c.msg || f.Service != c.svc {
			t.Errorf("%s: %+v", c.name, f)
		}
	}
	f := Classify(403, jsonCT, []byte(`{"message":"Forbidden","payload":{"channels":["a","b"]},"error":true,"service":"Access Manager","status":403}`))
	if !slices.Equal(f.Channels, []string{"a", "b"}) || !strings.Contains(f.Error(), "PNAccessDeniedCategory: HTTP 403 Access Manager: Forbidden (channels a,b)") {
		t.Fatalf("%q", f.Error())
	}
	if !f.Category.Permanent() || CategoryUnknown.Permanent() {
		t.Fatal("403 and 400 stop the clients for good; others do not")
	}
}

func TestClassifySuccessAndContentType(t *testing.T) {
	if f := Classify(200, jsonCT, []byte(`{"t":{"t":"1","r":1},"m":[]}`)); f != nil {
		t.Fatalf("a subscribe answer classified as %v", f)
	}
	if f := Classify(403, "", []byte(`{"error":true,"status":403,"message":"Forbidden","service":"Access Manager"}`)); f.ContentType {
		t.Fatal("no Content-Type: PubNub 8 misreads this one")
	}
	if f := NoAnswer("context deadline exceeded", true); f.Category != CategoryTimeout {
		t.Fatal("timeout")
	}
	if f := NoAnswer("connection reset by peer", false); f.Category != CategoryNetworkIssues || !strings.Contains(f.Error(), "connection reset") {
		t.Fatal(f.Error())
	}
}
