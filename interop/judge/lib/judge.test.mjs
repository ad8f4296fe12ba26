// The harness must be able to fail: a check that throws is a failure, a
// known bug is a skip, and a known bug that passes is said.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Judge, Mismatch, expect, waitFor } from './judge.mjs';

function quiet(known = {}) {
  const lines = [];
  return { j: new Judge('t', { out: { write: (s) => lines.push(s) }, known }), lines };
}

test('a passing check is ok, a failing one says the document, what it wants and what came', async () => {
  const { j, lines } = quiet();
  assert.equal(await j.check('fine', () => 7), 7);
  assert.equal(await j.check('broken', () => expect(false, 'voipbin.md A3', 'a drop', 'still open')), undefined);
  assert.equal(j.failed(), true);
  const text = lines.join('');
  assert.match(text, /ok {4}t\/fine/);
  assert.match(text, /FAIL {2}t\/broken\n.*documents \(voipbin\.md A3\): a drop\n.*got: still open/);
});

test('an exception or a deadline is a failure too', async () => {
  const { j } = quiet();
  await j.check('throws', () => {
    throw new Error('boom');
  });
  await j.check('hangs', () => new Promise(() => {}), 50);
  assert.deepEqual(j.results.map((r) => r.status), ['fail', 'fail']);
});

test('a known bug is skipped with its name; passing again is FIXED?, not a failure', async () => {
  const { j, lines } = quiet({ 't/bug': 'emulator: ids above 2^53' });
  await j.check('bug', () => expect(false, 'dialpad.md B6', 'ids below 2^53', 9925300487599088));
  assert.equal(j.failed(), false);
  assert.match(lines.join(''), /SKIP {2}t\/bug: known evtap bug: emulator: ids above 2\^53/);
  const again = quiet({ 't/bug': 'x' });
  await again.j.check('bug', () => true);
  assert.equal(again.j.failed(), false);
  assert.equal(again.j.results[0].status, 'fixed');
});

test('finish sets the exit status and prints PASS or FAIL', async () => {
  const prev = process.exitCode;
  const { j, lines } = quiet();
  await j.check('a', () => true);
  j.finish();
  assert.equal(process.exitCode, 0);
  assert.match(lines.at(-1), /^PASS judge t: 1 ok, 0 failed/);
  await j.check('b', () => expect(false, 'd', 'w', 'g'));
  j.finish();
  assert.equal(process.exitCode, 1);
  assert.match(lines.at(-1), /^FAIL judge t: 1 ok, 1 failed/);
  process.exitCode = prev;
});

test('waitFor resolves with the value, or throws a Mismatch with what is there now', async () => {
  let n = 0;
  assert.equal(await waitFor(500, () => (++n >= 3 ? 'yes' : null), 'd', 'w'), 'yes');
  await assert.rejects(waitFor(60, () => false, 'doc', 'want', () => 'now'), (e) => e instanceof Mismatch && e.got === 'now' && /waited 60 ms/.test(e.want));
});
