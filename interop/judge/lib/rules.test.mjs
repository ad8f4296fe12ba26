// The document rules both sides of the judge stand on: VoIPBin's grammar,
// permissions and publication (voipbin.md A4, A5, A7), Dialpad's required
// fields and enums (B3), the JWTs (dialpad.md B4), and the AES vector
// (ringcentral-pubnub.md §5.1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyProblem, newId, unsafeIds } from './dialpad.mjs';
import { decode, sign, verify } from './jwt.mjs';
import { decrypt, encrypt, envelopeProblems, newKey, nextTimetoken, TIMETOKEN } from './pubnub.mjs';
import { classify, expireString, EXPIRE_LAYOUT, matching, NIL_UUID, PERM, publishedTopics, topicProblem } from './voipbin.mjs';

const C = '5013bc52-da9a-11ee-844f-2fa34248de28';
const A = '9a1f0c1e-4b9e-4c6e-9a53-6f1d2a7b3c01';
const B = 'c4d2e8f0-1a3b-4c5d-8e6f-7a8b9c0d1e02';

test('VoIPBin topic grammar and permissions (A4)', () => {
  const admin = { customerId: C, agentId: A, permission: PERM.admin };
  const plain = { customerId: C, agentId: B, permission: PERM.agent };
  const key = { customerId: C, permission: PERM.admin, accessKey: true };
  const rows = [
    [admin, `customer_id:${C}:call`, ''],
    [admin, `customer_id:${C}`, ''],
    [admin, `customer_id:${C}:call:*`, ''],
    [admin, `customer_id:${C.toUpperCase()}:call`, ''],
    [admin, `agent_id:${A}:call`, ''],
    [admin, `agent_id:${B}:call`, "another agent's topic"],
    [admin, 'customer_id', 'fewer than 2 parts'],
    [admin, 'customer_id:nope:call', 'nope is not a non-nil UUID'],
    [admin, `customer_id:${NIL_UUID}:call`, `${NIL_UUID} is not a non-nil UUID`],
    [admin, `account_id:${C}:call`, `scope account_id is neither customer_id nor agent_id`],
    [admin, `customer_id:${B}:call`, 'another customer'],
    [plain, `customer_id:${C}:call`, 'customer topics need CustomerAdmin or CustomerManager'],
    [plain, `agent_id:${B}:call`, ''],
    [key, `customer_id:${C}:call`, ''],
    [key, `agent_id:${A}:call`, 'this credential has no agent id'],
    [{ customerId: B, permission: PERM.superAdmin }, `customer_id:${C}:call`, ''],
  ];
  for (const [caller, topic, want] of rows) assert.equal(topicProblem(topic, caller), want, topic);
});

test('VoIPBin publication and raw-prefix matching (A5, A7)', () => {
  const call = { id: 'i1', customer_id: C, owner_id: A };
  const topics = publishedTopics('call_hangup', call);
  assert.deepEqual(topics, [`customer_id:${C}:call:i1`, `agent_id:${A}:call:i1`, `customer_id:${C}:call:call_hangup:i1`, `agent_id:${A}:call:call_hangup:i1`]);
  assert.equal(matching(topics, [`customer_id:${C}:call`]).length, 2, 'a 3-part prefix: twice');
  assert.equal(matching(topics, [`customer_id:${C}:call:call_hangup`]).length, 1, 'a 4-part event-type prefix: once');
  assert.equal(matching(topics, [`customer_id:${C}:call:i1`]).length, 1, 'a 4-part id topic: once');
  assert.equal(matching(topics, [`customer_id:${C}`, `customer_id:${C}:call`]).length, 2, 'per topic string, not per prefix');
  assert.equal(publishedTopics('agent_status_updated', { id: 'a', customer_id: C }).length, 2, 'no owner_id: customer topics only');
  assert.equal(publishedTopics('call_created', { id: 'x', customer_id: C, owner_id: NIL_UUID }).length, 2, 'the nil owner is no owner');
  assert.deepEqual(publishedTopics('aimessage_created', { id: 'm', customer_id: C, aicall_id: 'ac' }), [`customer_id:${C}:aicall:ac`, `customer_id:${C}:aimessage:aimessage_created:m`]);
  assert.equal(matching(publishedTopics('queuecall_waiting', { id: 'q', customer_id: C }), [`customer_id:${C}:queue`]).length, 2, '…:queue matches queuecall');
});

test('VoIPBin shapes and the expire layout (A0, A10)', () => {
  assert.equal(classify({ status: 'ringing', direction: 'incoming' }), 'call');
  assert.equal(classify({ streaming_id: 's', message: 'hi' }), 'speech');
  assert.equal(classify({ transcribe_id: 't', tm_transcript: null }), 'transcript');
  assert.match(expireString(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), EXPIRE_LAYOUT);
  assert.equal(expireString(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
});

test('HS256 JWTs: sign, verify, tamper; the Dialpad spec example decodes as documented (B4)', () => {
  const t = sign({ a: 1 }, 'k');
  assert.equal(verify(t, 'k'), true);
  assert.equal(verify(t, 'other'), false);
  assert.equal(verify(`${t.slice(0, -2)}xx`, 'k'), false);
  assert.equal(decode('not a jwt'), null);
  const spec = 'eyJhbGciOiJIUzI1NiIsInR5cCI6InZuZC5kaWFscGFkLndlYnNvY2tldCtqd3QifQ.eyJzdWIiOiJlbmRwb2ludDoxMDAwOioiLCJleHAiOjEzNTcwMDIwMDAsImlzcyI6Imh0dHBzOi8vdGVzdGJlZC5leGFtcGxlLmNvbSIsImlhdCI6MTM1Njk5ODQwMH0.weTDqJj39rODXRkMOC8eci_zjyNlbj8EBS1gzmBy9D4';
  const d = decode(spec);
  assert.deepEqual(d.header, { alg: 'HS256', typ: 'vnd.dialpad.websocket+jwt' });
  assert.equal(d.payload.sub, 'endpoint:1000:*');
  assert.equal(d.payload.exp - d.payload.iat, 3600);
});

test('Dialpad create bodies: required fields and enums name the field (B3)', () => {
  assert.match(bodyProblem('sms', {}), /direction/);
  assert.match(bodyProblem('sms', { direction: 'sideways' }), /direction/);
  assert.equal(bodyProblem('sms', { direction: 'all', endpoint_id: '1234' }), '');
  assert.equal(bodyProblem('sms', { direction: 'all', endpoint_id: 1234 }), '');
  assert.match(bodyProblem('sms', { direction: 'all', endpoint_id: '12x' }), /endpoint_id/);
  assert.match(bodyProblem('agent_status', {}), /agent_type/);
  assert.match(bodyProblem('agent_status', { agent_type: 'operator' }), /agent_type/);
  assert.match(bodyProblem('contact', {}), /contact_type/);
  assert.match(bodyProblem('call', { call_states: ['ringing', 'exploded'] }), /call_states/);
  assert.match(bodyProblem('call', { target_type: 'planet' }), /target_type/);
  assert.equal(bodyProblem('changelog', {}), '');
  for (let i = 0; i < 50; i++) assert.ok(Number(newId()) < 2 ** 53 && newId().length === 16);
  assert.deepEqual(unsafeIds({ call_id: 9925300487599088, target: { id: 5 } }), ['call_id = 9925300487599088']);
});

test('AES-128-ECB: the RingCentral SDK test vector (§5.1), a round trip, a wrong key', () => {
  const key = 'e0bMTqmumPfFUbwzppkSbA==';
  const ct = 'gkw8EU4G1SDVa2/hrlv6+0ViIxB7N1i1z5MU/Hu2xkIKzH6yQzhr3vIc27IAN558kTOkacqE5DkLpRdnN1orwtIBsUHmPMkMWTOLDzVr6eRk+2Gcj2Wft7ZKrCD+FCXlKYIoa98tUD2xvoYnRwxiE2QaNywl8UtjaqpTk1+WDImBrt6uabB1WICY/qE0It3DqQ6vdUWISoTfjb+vT5h9kfZxWYUP4ykN2UtUW1biqCjj1Rb6GWGnTx6jPqF77ud0XgV1rk/Q6heSFZWV/GP23/iytDPK1HGJoJqXPx7ErQU=';
  const n = decrypt(ct, key);
  assert.equal(n.body.telephonyStatus, 'OnHold');
  assert.equal(n.event, '/restapi/v1.0/account/~/extension/402853446008/presence');
  assert.equal(encrypt(n, key), ct, 'byte-identical re-encryption');
  assert.throws(() => decrypt(ct, newKey()));
  const a = nextTimetoken();
  const b = nextTimetoken();
  assert.match(a, TIMETOKEN);
  assert.ok(BigInt(b) > BigInt(a));
  assert.deepEqual(envelopeProblems({ p: { t: a, r: 1 }, c: 'ch', b: 'ch', d: 'x' }, 'ch'), []);
  assert.equal(envelopeProblems({ c: 'other', d: 'x' }, 'ch').length, 2);
});
