// Compact JWS with HS256, written from RFC 7515/7519: what VoIPBin's login
// mints (voipbin.md A0), what Dialpad's URL tokens look like (dialpad.md
// B4) and how Dialpad signs frames when a websocket has a secret (B5).

import { createHmac, timingSafeEqual } from 'node:crypto';

/** b64url encodes bytes or a string as base64url without padding. */
export function b64url(data) {
  return Buffer.from(data).toString('base64url');
}

/** sign returns header.payload.signature, HS256 over the JSON of both. */
export function sign(payload, key, header = { alg: 'HS256', typ: 'JWT' }) {
  const head = b64url(JSON.stringify(header));
  const body = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const mac = createHmac('sha256', key).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(mac)}`;
}

/**
 * decode splits a compact JWS and parses its header and payload without
 * checking anything; it returns null when the text is not three base64url
 * parts with a JSON header and payload.
 */
export function decode(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      signed: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return null;
  }
}

/** verify reports whether token is a compact JWS whose HS256 signature holds for key. */
export function verify(token, key) {
  const d = decode(token);
  if (!d || d.header.alg !== 'HS256') return false;
  const mac = createHmac('sha256', key).update(d.signed).digest();
  return mac.length === d.signature.length && timingSafeEqual(mac, d.signature);
}
