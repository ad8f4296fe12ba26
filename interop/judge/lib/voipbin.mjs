// VoIPBin's topic WebSocket as the documents describe it
// (shared/seeds/002_43648be1f13a3606.txt and shared/protocols/voipbin.md):
// topic grammar and permissions (A4), the topic strings an event is
// published under (A7), the resource shapes the socket carries (A11), and
// how VoIPBin's own client tells them apart (A10). Both the judge's client
// (against evtap's emulator) and its server (for evtap's client) use it.

import { randomUUID } from 'node:crypto';

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_ANY = /^(\{)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(\})?$/;
// Go's time.Time encoding: RFC 3339 with up to nine fractional digits (A6).
const RFC3339NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
// The `expire` claim's layout, ISO8601Layout (A0).
export const EXPIRE_LAYOUT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** Permission bits of the agent claim (A4). */
export const PERM = { superAdmin: 0x1, agent: 0x10, admin: 0x20, manager: 0x40 };

/** expireString formats a time as the `expire` claim does (A0). */
export function expireString(ms) {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** canonicalUUID reports whether s is a non-nil UUID as gofrs/uuid would parse it (A4). */
export function parsesAsUUID(s) {
  return UUID_ANY.test(s) && s.replace(/[{}-]/g, '').toLowerCase() !== '0'.repeat(32);
}

/**
 * topicProblem returns why topic would be refused for caller, or '' when it
 * is allowed (A4). caller: {customerId, agentId?, permission, accessKey?}.
 */
export function topicProblem(topic, caller) {
  if (typeof topic !== 'string') return 'not a string';
  const parts = topic.split(':');
  if (parts.length < 2) return 'fewer than 2 parts';
  if (!parsesAsUUID(parts[1])) return `${parts[1]} is not a non-nil UUID`;
  if (parts[0] !== 'customer_id' && parts[0] !== 'agent_id') return `scope ${parts[0]} is neither customer_id nor agent_id`;
  if (caller.permission & PERM.superAdmin) return '';
  const id = parts[1].replace(/[{}-]/g, '').toLowerCase();
  const same = (u) => u && u.replace(/-/g, '').toLowerCase() === id;
  if (parts[0] === 'customer_id') {
    if (!same(caller.customerId)) return 'another customer';
    if (!(caller.permission & (PERM.admin | PERM.manager))) return 'customer topics need CustomerAdmin or CustomerManager';
    return '';
  }
  if (!caller.agentId) return 'this credential has no agent id';
  if (!same(caller.agentId)) return "another agent's topic";
  return '';
}

/**
 * publishedTopics is every topic string an event of eventType with payload
 * is published under (A7): the old 4-part strings and the new 5-part ones.
 */
export function publishedTopics(eventType, payload) {
  const x = eventType.split('_')[0];
  const c = payload.customer_id;
  const owner = payload.owner_id && payload.owner_id !== NIL_UUID ? payload.owner_id : null;
  const topics = [];
  if (x === 'aimessage') topics.push(`customer_id:${c}:aicall:${payload.aicall_id}`);
  else if (x === 'webchat') topics.push(`customer_id:${c}:webchat_session:${payload.session_id ?? payload.id}`);
  else {
    topics.push(`customer_id:${c}:${x}:${payload.id}`);
    if (owner) topics.push(`agent_id:${owner}:${x}:${payload.id}`);
  }
  topics.push(`customer_id:${c}:${x}:${eventType}:${payload.id}`);
  if (owner) topics.push(`agent_id:${owner}:${x}:${eventType}:${payload.id}`);
  return topics;
}

/** matching returns the published topic strings that one of prefixes is a raw string prefix of (A5). */
export function matching(topics, prefixes) {
  return topics.filter((t) => prefixes.some((p) => t.startsWith(p)));
}

/** The five subscriptions VoIPBin's own client makes (A10). */
export function vbmcpTopics(customerId) {
  return [
    `customer_id:${customerId}:call:call_created`,
    `customer_id:${customerId}:call:call_progressing`,
    `customer_id:${customerId}:call:call_hangup`,
    `customer_id:${customerId}:transcript:transcript_created`,
    `customer_id:${customerId}:transcribe:transcribe_speech_interim`,
  ];
}

/** classify tells what a frame is by its shape, as VoIPBin's own client does (A10). */
export function classify(p) {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return 'unknown';
  if ('offset_ms' in p) return 'transcript';
  if ('streaming_id' in p) return 'speech';
  if ('status' in p && (p.direction === 'incoming' || p.direction === 'outgoing')) return 'call';
  if ('tm_transcript' in p && 'transcribe_id' in p) return 'transcript';
  if ('service_agent_id' in p) return 'queuecall';
  if ('ring_method' in p) return 'agent';
  return 'other';
}

// Field checks, one table per resource (A11). `?` = omitempty (may be absent).
const uuid = (v) => typeof v === 'string' && UUID.test(v);
const time = (v) => typeof v === 'string' && RFC3339NANO.test(v);
const timeOrNull = (v) => v === null || time(v);
const str = (v) => typeof v === 'string';
const oneOf = (...xs) => (v) => xs.includes(v);
const arr = (each) => (v) => Array.isArray(v) && v.every(each);
const obj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v) => typeof v === 'number' && Number.isFinite(v);
const ADDRESS_TYPES = ['agent', 'ai', 'ai_team', 'conference', 'email', 'extension', 'line', 'sip', 'tel', 'webchat', 'web_session', 'whatsapp'];
const address = (v) =>
  obj(v) &&
  Object.keys(v).every((k) => ['type', 'target', 'target_name', 'name', 'detail'].includes(k)) &&
  (v.type === undefined || ADDRESS_TYPES.includes(v.type));

const SHAPES = {
  call: {
    id: uuid, customer_id: uuid, owner_type: oneOf('', 'agent'), owner_id: uuid, flow_id: uuid, activeflow_id: uuid,
    type: oneOf('flow', 'conference', 'sip-service'), master_call_id: uuid, chained_call_ids: arr(uuid),
    recording_id: uuid, recording_ids: arr(uuid), groupcall_id: uuid, source: address, destination: address,
    status: oneOf('dialing', 'ringing', 'progressing', 'terminating', 'canceling', 'hangup'),
    action: (v) => obj(v) && uuid(v.id) && uuid(v.next_id) && str(v.type), metadata: obj,
    direction: oneOf('incoming', 'outgoing'), mute_direction: oneOf('', 'both', 'in', 'out'),
    hangup_by: oneOf('', 'remote', 'local'),
    hangup_reason: oneOf('', 'normal', 'failed', 'busy', 'cancel', 'timeout', 'noanswer', 'dialout', 'amd'),
    'tm_progressing?': time, 'tm_ringing?': time, 'tm_hangup?': time, 'tm_create?': time, 'tm_update?': time, 'tm_delete?': time,
  },
  transcript: { id: uuid, customer_id: uuid, transcribe_id: uuid, direction: str, message: str, tm_transcript: timeOrNull, tm_create: timeOrNull },
  speech: { id: uuid, customer_id: uuid, streaming_id: uuid, transcribe_id: uuid, direction: str, 'message?': str, tm_event: timeOrNull, tm_create: timeOrNull },
  queuecall: {
    id: uuid, customer_id: uuid, reference_type: str, reference_id: uuid,
    status: oneOf('initiating', 'waiting', 'connecting', 'kicking', 'service', 'done', 'abandoned'),
    service_agent_id: uuid, duration_waiting: num, duration_service: num,
    tm_create: timeOrNull, tm_service: timeOrNull, tm_update: timeOrNull, tm_delete: timeOrNull,
  },
  agent: {
    id: uuid, customer_id: uuid, username: str, name: str, detail: str, ring_method: str,
    status: oneOf('', 'available', 'away', 'busy', 'offline', 'ringing'), permission: num,
    tag_ids: arr(uuid), addresses: arr(address), direct_hash: str,
  },
};

/** shapeProblems lists how payload differs from resource's table in A11 ([] when it fits). */
export function shapeProblems(resource, payload) {
  const shape = SHAPES[resource];
  if (!obj(payload)) return ['not a JSON object'];
  const problems = [];
  for (const [k, ok] of Object.entries(shape)) {
    const optional = k.endsWith('?');
    const key = optional ? k.slice(0, -1) : k;
    if (!(key in payload)) {
      if (!optional) problems.push(`${key} missing`);
      continue;
    }
    if (optional && payload[key] === null) {
      problems.push(`${key} is null (omitempty: absent when unset)`);
      continue;
    }
    if (!ok(payload[key])) problems.push(`${key} = ${JSON.stringify(payload[key])}`);
  }
  return problems;
}

// ---- the judge's own event generator (for its VoIPBin-style server) ----

let clock = Date.now() * 1e6;
/** stamp is a unique, increasing RFC 3339 time with nanoseconds, so no two payloads are alike. */
export function stamp() {
  clock = Math.max(clock + 1000 + Math.floor(Math.random() * 1000), Date.now() * 1e6);
  const ms = Math.floor(clock / 1e6);
  const ns = String(clock % 1e9).padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${ns}Z`);
}

/**
 * Generator makes a stream of customer-visible events (A8) with A11
 * payloads: calls walking dialing → ringing → progressing → terminating →
 * hangup with call_updated in between, agents, queue calls, SMS, speech and
 * transcripts. owners are the agent ids calls may belong to.
 */
export class Generator {
  constructor(customerId, owners) {
    this.c = customerId;
    this.owners = owners;
    this.pending = [];
    this.n = 0;
  }

  /** next returns {type, payload}. */
  next() {
    if (this.pending.length === 0) this.refill();
    return this.pending.shift();
  }

  refill() {
    const k = this.n++ % 6;
    if (k <= 2) this.call();
    else if (k === 3) this.queuecall();
    else if (k === 4) this.speechAndTranscript();
    else this.agentAndMessage();
  }

  call() {
    const owner = this.owners[this.n % (this.owners.length + 1)] ?? NIL_UUID;
    const t0 = stamp();
    const base = {
      id: randomUUID(), customer_id: this.c, owner_type: owner === NIL_UUID ? '' : 'agent', owner_id: owner,
      flow_id: randomUUID(), activeflow_id: randomUUID(), type: 'flow', master_call_id: NIL_UUID, chained_call_ids: [],
      recording_id: NIL_UUID, recording_ids: [], groupcall_id: NIL_UUID,
      source: { type: 'tel', target: '+15550100100' }, destination: { type: 'tel', target: `+1555${String(1000000 + this.n).slice(-7)}` },
      status: 'dialing', action: { id: NIL_UUID, next_id: NIL_UUID, type: '' }, metadata: {},
      direction: this.n % 2 ? 'incoming' : 'outgoing', mute_direction: '', hangup_by: '', hangup_reason: '',
      tm_create: t0, tm_update: t0,
    };
    const step = (type, patch) => {
      const p = { ...base, ...patch, tm_update: stamp() };
      Object.assign(base, patch);
      this.pending.push({ type, payload: p });
    };
    step('call_created', {});
    step('call_dialing', {});
    step('call_ringing', { status: 'ringing', tm_ringing: stamp() });
    step('call_progressing', { status: 'progressing', tm_progressing: stamp() });
    step('call_updated', { metadata: { judge: 'bridge' } });
    step('call_terminating', { status: 'terminating' });
    step('call_hangup', { status: 'hangup', hangup_by: 'remote', hangup_reason: 'normal', tm_hangup: stamp() });
  }

  queuecall() {
    const p = {
      id: randomUUID(), customer_id: this.c, reference_type: 'call', reference_id: randomUUID(), status: 'waiting',
      service_agent_id: NIL_UUID, duration_waiting: 0, duration_service: 0,
      tm_create: stamp(), tm_service: null, tm_update: null, tm_delete: null,
    };
    this.pending.push({ type: 'queuecall_waiting', payload: { ...p, tm_update: stamp() } });
    this.pending.push({ type: 'queuecall_serviced', payload: { ...p, status: 'service', service_agent_id: this.owners[0] ?? NIL_UUID, duration_waiting: 1200, tm_service: stamp(), tm_update: stamp() } });
  }

  speechAndTranscript() {
    const transcribe = randomUUID();
    const streaming = randomUUID();
    for (const text of ['hello', 'hello there']) {
      const t = stamp();
      this.pending.push({
        type: 'transcribe_speech_interim',
        payload: { id: randomUUID(), customer_id: this.c, streaming_id: streaming, transcribe_id: transcribe, direction: 'in', message: text, tm_event: t, tm_create: t },
      });
    }
    const t = stamp();
    this.pending.push({
      type: 'transcript_created',
      payload: { id: randomUUID(), customer_id: this.c, transcribe_id: transcribe, direction: 'in', message: 'hello there', tm_transcript: t, tm_create: t },
    });
  }

  agentAndMessage() {
    this.pending.push({
      type: 'agent_status_updated',
      payload: {
        id: this.owners[0] ?? randomUUID(), customer_id: this.c, username: 'judge-admin', name: 'Judge Admin', detail: '', ring_method: 'ringall',
        status: ['available', 'away', 'busy'][this.n % 3], permission: PERM.admin, tag_ids: [], addresses: [], direct_hash: '',
        tm_create: null, tm_update: stamp(), tm_delete: null,
      },
    });
    const t = stamp();
    this.pending.push({
      type: 'message_created',
      payload: { id: randomUUID(), customer_id: this.c, type: 'sms', source: { type: 'tel', target: '+15550100100' }, targets: [{ destination: { type: 'tel', target: '+15550100199' }, status: 'sent' }], text: `judge ${this.n}`, direction: 'outbound', tm_create: t, tm_update: t, tm_delete: null },
    });
  }
}
