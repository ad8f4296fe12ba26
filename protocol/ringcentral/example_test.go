package ringcentral_test

import (
	"encoding/json"
	"fmt"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

func ExampleSummarize() {
	frame, err := rc.Decode([]byte(`[{"type":"ServerNotification","messageId":"1","status":200,"wsc":{"token":"T","sequence":2}},
		{"uuid":"1","event":"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS","timestamp":"2023-04-18T20:25:24.611Z",
		 "subscriptionId":"s","body":{"direction":"Inbound","from":{"phoneNumber":"+15551230001"},"to":[{"phoneNumber":"+15551230002"}],"subject":"Hello"}}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	var n rc.Notification
	if err := frame.DecodeBody(&n); err != nil {
		fmt.Println(err)
		return
	}
	label, summary := rc.Summarize(n)
	fmt.Printf("%d | %s | %s\n", frame.Meta.WSC.Sequence, label, summary)
	// Output: 2 | SMS in | +15551230001 → +15551230002  "Hello"
}

func ExampleValidateFilter() {
	fmt.Println(rc.ValidateFilter("/restapi/v1.0/account/~/extension/~/message-store/instant"))
	fmt.Println(rc.ValidateFilter("/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"))
	// Output:
	// event filter "/restapi/v1.0/account/~/extension/~/message-store/instant": message-store/instant needs ?type=SMS
	// <nil>
}

func ExampleMatchFilter() {
	filter := "/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound"
	fmt.Println(rc.MatchFilter(filter, "/restapi/v1.0/account/1/extension/2/telephony/sessions?direction=Inbound"))
	fmt.Println(rc.MatchFilter(filter, "/restapi/v1.0/account/1/extension/2/telephony/sessions"))
	fmt.Println(rc.ExpandFilter(filter, "1", "2"))
	// Output:
	// true
	// false
	// /restapi/v1.0/account/1/extension/2/telephony/sessions?direction=Inbound
}

func ExampleEncode() {
	out, _ := rc.Encode(rc.Meta{Type: rc.TypeClientRequest, MessageID: "m1", Method: "POST", Path: rc.PathSubscription},
		rc.SubscriptionRequest{EventFilters: []string{rc.CommonFilters[0].Filter}, DeliveryMode: rc.DeliveryMode{TransportType: rc.TransportWebSocket}})
	var v []json.RawMessage
	_ = json.Unmarshal(out, &v)
	fmt.Println(len(v), string(v[0]))
	// Output: 2 {"type":"ClientRequest","messageId":"m1","method":"POST","path":"/restapi/v1.0/subscription"}
}
