package ringcentral

// The frames and REST bodies of the provider documents, verbatim. Where
// a document elides a value ("..." or {...}), the elision is filled and
// the comment says so; nothing else is changed.

// seed 001, "When a connection is successfully made".
const seedConnectionDetails = `[
{
"type": "ConnectionDetails",
"messageId": "156eec30-xxxx-xxxx-xxxx-005056bf7145",
"status": 200,
"wsc": {
"token": "RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ",
"sequence": 1
},
"headers": {
"RCRequestId": "156eec30-xxxx-xxxx-xxxx-005056bf7145"
}
},
{
"creationTime": "2020-09-07T21:50:02.737+0000",
"maxConnectionsPerSession": 50,
"recoveryBufferSize": 100,
"recoveryTimeout": 180,
"idleTimeout": 1800,
"absoluteTimeout": 86400,
"maxActiveRequests": 10
}
]`

// seed 001, "Subscribe to events".
const seedSubscriptionRequest = `[
{
"type" : "ClientRequest",
"messageId" : "11618510-987d-442e-8dcf-0640b82e4ff5",
"method" : "POST",
"path" : "/restapi/v1.0/subscription/"
},
{
"eventFilters": [
"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
"/restapi/v1.0/account/~/extension/~/voicemail"
],
"deliveryMode": {
"transportType": "WebSocket"
}
}
]`

// seed 000 includes code-samples/websockets/session-recovery.json
// without showing it; this is the seed 001 ConnectionDetails with the
// recoveryState field the recovery section describes.
const seedRecoveryConnectionDetails = `[{"type":"ConnectionDetails","messageId":"156eec30-xxxx-xxxx-xxxx-005056bf7145","status":200,
"wsc":{"token":"RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ","sequence":1},"headers":{"RCRequestId":"156eec30-xxxx-xxxx-xxxx-005056bf7145"}},
{"creationTime":"2020-09-07T21:50:02.737+0000","maxConnectionsPerSession":50,"recoveryBufferSize":100,"recoveryTimeout":180,
"idleTimeout":1800,"absoluteTimeout":86400,"maxActiveRequests":10,"recoveryState":"Successful"}]`

// ringcentral.md §2.7; "..." in ids filled with hex, the elided body
// {...} filled with a message-store body of §6.
const sampleNotification = `[{"type":"ServerNotification","messageId":"2661273919712564939","status":200,"headers":{"RCRequestId":"265348d0-0000-0000-0000-000000000000"}},
 {"uuid":"2661273919712564939","event":"/restapi/v1.0/account/233676004/extension/233676004/message-store",
  "timestamp":"2023-04-18T20:25:24.611Z","subscriptionId":"2db5fcc4-0000-0000-0000-000000000000","ownerId":"233676004",
  "body":{"accountId":233676004,"extensionId":233676004,"lastUpdated":"2023-04-18T20:25:24.611Z","changes":[{"type":"SMS","newCount":1,"updatedCount":0}]}}]`

// ringcentral.md §2.8 (DOCS heart-beat-request.json) with an id filled.
const sampleHeartbeat = `[{"type":"Heartbeat","messageId":"ibomrniwT8uLqu3+NhEshg/0"}]`

// ringcentral.md §2.9, the WSG-400 case of rc-ws-recover-test exp. 6.
const sampleError = `[{"type":"Error","messageId":"e-1","status":400},{"errorCode":"WSG-400","message":"Malformed WebSocket session context token"}]`

// seed 001, the wstoken response.
const seedWSToken = `{
"ws_access_token": "U0pDMDFQMDdQQxxxxxxxxx9pSU9OemVzakpn",
"uri": "wss://servername.ringcentral.com/ws",
"expires_in": 30
}`

// ringcentral.md §1, the token response.
const sampleToken = `{"access_token":"AT...","token_type":"bearer","expires_in":3600,"refresh_token":"RT...",
 "refresh_token_expires_in":604800,"scope":"WebSocketsSubscription ...","owner_id":"101","endpoint_id":"ep1"}`

// seed 003, the PubNub subscription response.
const seedPubNubSubscription = `{
  "eventFilters" : [ "/restapi/v1.0/account/~/extension/401550809004/presence?detailedTelephonyState=true" ],
  "id" : "78c53776-6aa5-4089-b080-150089c097bf",
  "deliveryMode" : {
    "transportType" : "PubNub",
    "encryption" : true,
    "address" : "96830102602705_0d0115d5",
    "subscriberKey" : "sub-c-b8b9cd8c-e906-11e2-b383-02ee2ddab7fe",
    "encryptionAlgorithm" : "AES",
    "encryptionKey" : "fNP0fszFJdc/thDO90/B3A=="
  },
  "expirationTime" : "2013-09-13T13:58:57.187Z",
  "status" : "Active",
  "creationTime" : "2013-09-13T13:43:57.187Z",
  "uri" : "/restapi/v1.0/subscription/78c53776-6aa5-4089-b080-150089c097bf"
}`
