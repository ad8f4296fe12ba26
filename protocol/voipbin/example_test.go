package voipbin_test

import (
	"fmt"

	vb "github.com/evtap/evtap/protocol/voipbin"
)

// A plain agent may subscribe only its own agent_id topics; the
// validator says why the server would drop the connection on the rest.
func ExampleValidateTopic() {
	agent := vb.Credential{Kind: vb.CredentialAgent, AgentID: "9f3e1c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6",
		CustomerID: "5013bc52-da9a-11ee-844f-2fa34248de28", Permission: vb.PermCustomerAgent}
	for _, topic := range []string{
		"agent_id:9f3e1c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6:call",
		"customer_id:5013bc52-da9a-11ee-844f-2fa34248de28:call",
		"customer_id:5013bc52",
	} {
		fmt.Println(vb.ValidateTopic(topic, agent))
	}
	// Output:
	// <nil>
	// permission: customer_id topics need CustomerAdmin (0x20) or CustomerManager (0x40); this agent has permission 0x10, so only agent_id:<its own id> topics
	// grammar: "5013bc52" (the second part) is not a UUID
}

// Each event is published under an old- and a new-format topic string
// (and the same with agent_id when it has an owner).
func ExamplePublishedTopics() {
	for _, t := range vb.PublishedTopics("call_hangup", "c0ffee00-1234-4abc-9def-0123456789ab", "5013bc52-da9a-11ee-844f-2fa34248de28", "", "") {
		fmt.Println(t)
	}
	// Output:
	// customer_id:5013bc52-da9a-11ee-844f-2fa34248de28:call:c0ffee00-1234-4abc-9def-0123456789ab
	// customer_id:5013bc52-da9a-11ee-844f-2fa34248de28:call:call_hangup:c0ffee00-1234-4abc-9def-0123456789ab
}
