package har

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

func frame(kind protocol.Kind, sec int, conn int, data string) protocol.Update {
	return protocol.Update{Time: time.Unix(1700000000+int64(sec), 0).UTC(), Offset: protocol.Offset(time.Duration(sec) * time.Second),
		Kind: kind, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}
}

func TestARecordingSurvivesARoundTripThroughHAR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	w, err := record.Create(path, record.Header{Provider: "ringcentral", Start: time.Unix(1700000000, 0)}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(protocol.Update{Time: time.Unix(1700000000, 0), Kind: protocol.KindState, Conn: 1,
		State: &protocol.State{Phase: protocol.PhaseDialing, URL: "ws://127.0.0.1:1/ws?access_token=SECRETTOKEN"}})
	w.Write(frame(protocol.KindRecv, 0, 1, `[{"type":"ConnectionDetails","messageId":"c","status":200},{"recoveryTimeout":180}]`))
	w.Write(frame(protocol.KindSent, 1, 1, `[{"type":"ClientRequest","messageId":"r","method":"POST","path":"/restapi/v1.0/subscription"},{"eventFilters":["x"]}]`))
	for i, id := range []string{"e1", "e2"} {
		w.Write(frame(protocol.KindRecv, 2+i, 1, `[{"type":"ServerNotification","messageId":"n","status":200,"wsc":{"token":"t","sequence":`+
			string(rune('2'+i))+`}},{"uuid":"`+id+`","event":"/restapi/v1.0/account/1/extension/2/voicemail","timestamp":"2023-04-18T20:25:24.611Z","subscriptionId":"s","body":{}}]`))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Export(r, "test", &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "SECRETTOKEN") {
		t.Fatal("a token reached the HAR file")
	}
	var f File
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if e := f.Log.Entries[0]; e.ResourceType != "websocket" || len(e.Messages) != 4 || e.Messages[1].Type != "send" || e.Messages[0].Opcode != 1 {
		t.Fatalf("not Chrome's shape: %+v", e)
	}
	im, err := Import(&out)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range im.Updates {
		if u.Kind == protocol.KindEvent {
			ids = append(ids, u.Event.ID)
			if u.Event.Seq == 0 || u.Event.Label == "" {
				t.Fatalf("event not decoded as the live session would: %+v", u.Event)
			}
		}
	}
	if im.Provider != "ringcentral" || strings.Join(ids, ",") != "e1,e2" {
		t.Fatalf("provider %q, events %v", im.Provider, ids)
	}
}

func TestImportSaysWhatIsWrongWithAFileThatIsNotAWebSocketHAR(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "hello",
		"no websocket": `{"log":{"version":"1.2","entries":[{"request":{"url":"https://x"}}]}}`,
	} {
		if _, err := Import(strings.NewReader(in)); err == nil {
			t.Errorf("%s: imported without complaint", name)
		}
	}
}

// Rule: a binary message's size is that of its bytes, not of the base64
// a HAR spells them in; data that is not base64 is named, not imported.
func TestABinaryMessageKeepsItsRealSize(t *testing.T) {
	in := `{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://127.0.0.1:1/x"},"_webSocketMessages":[` +
		`{"type":"receive","time":1700000000.5,"opcode":2,"data":"3q2+7wD/"}]}]}}`
	im, err := Import(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range im.Updates {
		if u.Frame != nil && u.Frame.Op == protocol.OpBinary && u.Frame.Size != 6 {
			t.Errorf("binary frame of size %d, want 6", u.Frame.Size)
		}
	}
	if _, err := Import(strings.NewReader(strings.Replace(in, "3q2+7wD/", "not base64!", 1))); err == nil || !strings.Contains(err.Error(), "not base64") {
		t.Errorf("bad base64 imported: %v", err)
	}
}

// Rule: evtap's export keeps each frame's size on the wire (_size), which
// masking or redaction may have made differ from its data's, and import
// takes it back.
func TestTheWireSizeSurvivesARoundTrip(t *testing.T) {
	in := `{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://127.0.0.1:1/x"},"_webSocketMessages":[` +
		`{"type":"send","time":1700000000.5,"opcode":1,"data":"hello ***","_size":21},` +
		`{"type":"receive","time":1700000000.6,"opcode":2,"data":"AAE=","_size":2}]}]}}`
	im, err := Import(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, u := range im.Updates {
		if u.Frame != nil {
			sizes = append(sizes, u.Frame.Size)
		}
	}
	if len(sizes) != 2 || sizes[0] != 21 || sizes[1] != 2 {
		t.Errorf("sizes %v, want [21 2]", sizes)
	}
}
