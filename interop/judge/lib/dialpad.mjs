// Dialpad's event WebSocket as the documents describe it
// (shared/seeds/004_6d35c4b6eec4d939.txt, shared/protocols/dialpad.md and
// its OpenAPI spec, dialpad_api_spec.json): the subscription resources'
// required fields and enums (B3), the URL token (B4), the event payloads
// (B6). The judge's client and its server both use it.

import { randomInt } from 'node:crypto';

/** CALL_STATES is the spec's call_states enum (B6). */
export const CALL_STATES = ['admin', 'admin_recording', 'ai_playbook', 'all', 'barge', 'blocked', 'call_transcription', 'calling',
  'connected', 'csat', 'dispositions', 'eavesdrop', 'hangup', 'hold', 'merged', 'missed', 'monitor', 'parked', 'pcsat', 'postcall',
  'preanswer', 'queued', 'recap_action_items', 'recap_outcome', 'recap_purposes', 'recap_summary', 'recording', 'ringing', 'takeover',
  'transcription', 'voicemail', 'voicemail_uploaded'];
/** TARGET_TYPES is the spec's target_type enum (B3). */
export const TARGET_TYPES = ['callcenter', 'callrouter', 'channel', 'coachinggroup', 'coachingteam', 'department', 'office', 'room', 'staffgroup', 'unknown', 'user'];

/**
 * SUBSCRIPTION_TYPES: per type, the create body's required fields and the
 * enum of each enumerated field (B3; the spec's Create*EventSubscription).
 */
export const SUBSCRIPTION_TYPES = {
  call: { required: [], enums: { target_type: TARGET_TYPES }, arrays: { call_states: CALL_STATES }, bools: ['enabled', 'group_calls_only'], ids: ['endpoint_id', 'target_id'] },
  sms: { required: ['direction'], enums: { direction: ['all', 'inbound', 'outbound'], target_type: TARGET_TYPES }, arrays: {}, bools: ['enabled', 'include_internal', 'status'], ids: ['endpoint_id', 'target_id'] },
  agent_status: { required: ['agent_type'], enums: { agent_type: ['callcenter'] }, arrays: {}, bools: ['enabled'], ids: ['endpoint_id'] },
  contact: { required: ['contact_type'], enums: { contact_type: ['local', 'shared'] }, arrays: {}, bools: ['enabled'], ids: ['endpoint_id'] },
  changelog: { required: [], enums: {}, arrays: {}, bools: ['enabled'], ids: ['endpoint_id'] },
};

/** INT64_STRING matches an id as the REST resources encode it: a decimal string (B2). */
export const INT64_STRING = /^[1-9][0-9]{0,18}$/;

/** newId is a 16-digit, datastore-style id (B4), below 2^53 like every documented one. */
export function newId() {
  return String(4503599627370496 + randomInt(0, 2 ** 47) * 32 + randomInt(0, 32));
}

/** bodyProblem returns why a create body of type is invalid per the spec, or ''. It names the field. */
export function bodyProblem(type, body) {
  const t = SUBSCRIPTION_TYPES[type];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  for (const f of t.required) {
    if (body[f] === undefined || body[f] === null) return `missing required field: ${f}`;
  }
  for (const [f, values] of Object.entries(t.enums)) {
    if (body[f] !== undefined && body[f] !== null && !values.includes(body[f])) return `${f}: ${JSON.stringify(body[f])} is not one of ${values.join(', ')}`;
  }
  for (const [f, values] of Object.entries(t.arrays)) {
    if (body[f] === undefined || body[f] === null) continue;
    if (!Array.isArray(body[f])) return `${f}: not a list`;
    const bad = body[f].find((v) => !values.includes(v));
    if (bad !== undefined) return `${f}: ${JSON.stringify(bad)} is not one of ${values.join(', ')}`;
  }
  for (const f of t.bools) {
    if (body[f] !== undefined && body[f] !== null && typeof body[f] !== 'boolean') return `${f}: not a boolean`;
  }
  for (const f of t.ids) {
    const v = body[f];
    if (v !== undefined && v !== null && !(Number.isSafeInteger(v) || (typeof v === 'string' && INT64_STRING.test(v)))) return `${f}: not an int64 (a number or a decimal string)`;
  }
  return '';
}

/** callEventProblems lists how a call event differs from the B6 shape. */
export function callEventProblems(e) {
  const p = [];
  if (!e || typeof e !== 'object') return ['not a JSON object'];
  if (!Number.isInteger(e.call_id)) p.push(`call_id = ${JSON.stringify(e.call_id)} (a JSON number inside events)`);
  if (!CALL_STATES.includes(e.state) || e.state === 'all') p.push(`state = ${JSON.stringify(e.state)}`);
  if (!['inbound', 'outbound'].includes(e.direction)) p.push(`direction = ${JSON.stringify(e.direction)}`);
  for (const f of ['date_started', 'event_timestamp']) if (!Number.isSafeInteger(e[f]) || e[f] < 1e12) p.push(`${f} = ${JSON.stringify(e[f])} (Unix ms)`);
  for (const f of ['master_call_id', 'entry_point_call_id', 'operator_call_id']) if (!(f in e) || (e[f] !== null && !Number.isInteger(e[f]))) p.push(`${f} = ${JSON.stringify(e[f])}`);
  if (!e.target || typeof e.target !== 'object') p.push('target missing');
  if (!('external_number' in e)) p.push('external_number missing');
  return p;
}

/**
 * unsafeIds lists the numeric ids in an event (keys id or *_id, at any
 * depth) that JavaScript cannot hold exactly (2^53 and above): JSON.parse
 * has already rounded them, so a browser client — Dialpad's own sample is
 * one — would group legs under the wrong call.
 */
export function unsafeIds(e, path = '') {
  const out = [];
  if (Array.isArray(e)) e.forEach((v, i) => out.push(...unsafeIds(v, `${path}[${i}]`)));
  else if (e && typeof e === 'object') {
    for (const [k, v] of Object.entries(e)) {
      if (typeof v === 'number' && (k === 'id' || k.endsWith('_id')) && !Number.isSafeInteger(v)) out.push(`${path}${k} = ${v}`);
      else out.push(...unsafeIds(v, `${path}${k}.`));
    }
  }
  return out;
}

/** numericIds counts the numeric ids in an event, at any depth. */
export function numericIds(e) {
  const out = [];
  if (Array.isArray(e)) e.forEach((v) => out.push(...numericIds(v)));
  else if (e && typeof e === 'object') {
    for (const [k, v] of Object.entries(e)) {
      if (typeof v === 'number' && (k === 'id' || k.endsWith('_id'))) out.push(v);
      else out.push(...numericIds(v));
    }
  }
  return out;
}

/** smsEventProblems lists how an SMS event differs from the fields the SMS events page documents (B6). */
export function smsEventProblems(e) {
  const p = [];
  for (const f of ['id', 'created_date', 'direction', 'target', 'contact', 'sender_id', 'from_number', 'to_number', 'mms', 'mms_url', 'is_internal', 'message_status', 'message_delivery_result', 'event_timestamp']) {
    if (!(f in e)) p.push(`${f} missing`);
  }
  if (!['inbound', 'outbound'].includes(e.direction)) p.push(`direction = ${JSON.stringify(e.direction)}`);
  if (!Array.isArray(e.to_number)) p.push('to_number is not a list');
  for (const f of ['created_date', 'event_timestamp']) if (!Number.isInteger(e[f]) || e[f] < 1e12) p.push(`${f} = ${JSON.stringify(e[f])} (Unix ms)`);
  return p;
}

/** agentStatusProblems lists how an agent status event differs from B6. */
export function agentStatusProblems(e) {
  const p = [];
  for (const f of ['availability_status', 'call_center_ids', 'date', 'event_timestamp', 'on_duty_status', 'on_duty_status_reason', 'target']) {
    if (!(f in e)) p.push(`${f} missing`);
  }
  if (!Array.isArray(e.call_center_ids) || !e.call_center_ids.every((x) => typeof x === 'string')) p.push(`call_center_ids = ${JSON.stringify(e.call_center_ids)} (strings)`);
  if (!['available', 'unavailable', 'occupied', 'wrapup', 'busy'].includes(e.on_duty_status)) p.push(`on_duty_status = ${JSON.stringify(e.on_duty_status)}`);
  return p;
}

/** kindOf tells a Dialpad event's kind by its shape (events carry no type field, B5/B6). */
export function kindOf(e) {
  if (!e || typeof e !== 'object') return 'unknown';
  if ('call_id' in e && 'state' in e) return 'call';
  if ('message_status' in e || ('from_number' in e && 'to_number' in e)) return 'sms';
  if ('on_duty_status' in e || 'availability_status' in e) return 'agent_status';
  return 'other';
}

// ---- the judge's own event generator (for its Dialpad-style server) ----

let last = 0;
/** now is Unix ms, strictly increasing, so no two generated events are alike. */
function now() {
  last = Math.max(last + 1, Date.now());
  return last;
}

/**
 * Generator makes call legs (inbound through IVR and a queue, outbound),
 * SMS and agent status events with the B6 fields, numeric ids inside events.
 */
export class Generator {
  constructor(userId) {
    this.user = Number(userId);
    this.pending = [];
    this.n = 0;
  }

  next() {
    if (this.pending.length === 0) this.refill();
    return this.pending.shift();
  }

  refill() {
    const k = this.n++ % 4;
    if (k === 0) this.call('inbound', ['preanswer', 'queued', 'ringing', 'connected', 'hangup']);
    else if (k === 1) this.call('outbound', ['calling', 'ringing', 'connected', 'hangup']);
    else if (k === 2) this.sms();
    else this.agent();
  }

  call(direction, states) {
    const id = Number(newId());
    const started = now();
    for (const state of states) {
      const t = now();
      this.pending.push({
        kind: 'call', state,
        payload: {
          call_id: id, state, direction, date_started: started, date_rang: null, date_first_rang: null, date_queued: null,
          date_connected: null, date_ended: state === 'hangup' ? t : null, talk_time: 0, hold_time: 0, duration: 0, total_duration: 0,
          external_number: '+14155550123', internal_number: '+14155550100', selected_caller_id: null,
          target: { id: this.user, type: 'user', email: 'judge@example.com', phone: '+14155550100', name: 'Judge User', office_id: 5000000000000001 },
          contact: { id: 6000000000000001, type: 'local', email: 'caller@example.net', phone: '+14155550123', name: 'A Caller' },
          entry_point_call_id: null, entry_point_target: {}, operator_call_id: null, proxy_target: {}, master_call_id: null,
          group_id: null, is_internal: false, is_transferred: false, transferred_from: {}, target_availability_status: 'open',
          csat_score: null, routing_breadcrumbs: [], event_timestamp: t, mos_score: null, labels: [], was_recorded: false,
          voicemail_link: null, call_recording_ids: [], transcription_text: null, recording_details: [], integrations: {},
        },
      });
    }
  }

  sms() {
    const t = now();
    this.pending.push({
      kind: 'sms', direction: this.n % 8 < 4 ? 'inbound' : 'outbound',
      payload: {
        id: Number(newId()), created_date: t, direction: this.n % 8 < 4 ? 'inbound' : 'outbound',
        target: { id: this.user, type: 'user', name: 'Judge User' }, contact: { id: 6000000000000002, name: 'Texter' },
        sender_id: this.user, from_number: '+14155550124', to_number: ['+14155550100'], mms: false, mms_url: null, is_internal: false,
        text: `judge sms ${this.n}`, message_status: 'delivered', message_delivery_result: 'accepted', event_timestamp: t,
      },
    });
  }

  agent() {
    const t = now();
    this.pending.push({
      kind: 'agent_status',
      payload: {
        availability_status: 'open', call_center_ids: ['7000000000000001'], date: t, event_timestamp: t,
        on_duty_status: ['available', 'occupied', 'wrapup'][this.n % 3], on_duty_status_reason: null,
        powerdialer_mode: null, powerdialer_session: null,
        target: { id: this.user, name: 'Judge User', email: 'judge@example.com', phone: '+14155550100', type: 'user' },
      },
    });
  }
}
