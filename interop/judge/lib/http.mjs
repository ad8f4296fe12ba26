// A small HTTP client over fetch: the status, the headers, the body as text
// and, when it parses, as JSON; never a throw for a non-2xx status.

/**
 * request sends method url with an optional JSON or raw body and headers.
 * @returns {Promise<{status:number, headers:Headers, text:string, json:any, ms:number}>}
 */
export async function request(method, url, { body, headers = {}, raw, timeout = 10000 } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  const t0 = Date.now();
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeout) });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms: Date.now() - t0 };
}

/** brief is a response as a failure message shows it. */
export function brief(r) {
  if (!r) return r;
  return { status: r.status, contentType: r.headers?.get?.('content-type'), body: r.text?.length > 400 ? `${r.text.slice(0, 400)}…` : r.text };
}
