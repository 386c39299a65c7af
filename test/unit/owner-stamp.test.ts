import assert from 'node:assert/strict';
import {
  needsStamp,
  WATCH_STAMP_MS,
  type OwnerContext,
  type OwnerVerdict,
} from '../../src/engine/ownership.js';

// When a pass rewrites the set's owner marker: a one-shot `sync` at every pass that changes something;
// `watch` (an OwnerContext with `stamped`) at its first pass, then at a changing pass only once its own last
// stamp is WATCH_STAMP_MS old; both hourly, and at once for a take-over or a marker not ours.
describe('engine: when the owner marker is stamped', () => {
  const t0 = Date.parse('2026-12-01T04:00:00.000Z');
  const owner = (stamped?: Map<string, number>, takeOver = false): OwnerContext => ({
    installation: { id: 'inst-1', host: 'h' } as OwnerContext['installation'],
    takeOver,
    records: { get: () => Promise.resolve(undefined), put: () => Promise.resolve() },
    ...(stamped ? { stamped } : {}),
  });
  const verdict = (
    at: number,
    installation = 'inst-1',
    takeOverRecord = false,
  ): OwnerVerdict & { ok: true } => ({
    ok: true,
    marker: { installation, host: 'h', setId: 'S', pass: 3, at: new Date(at).toISOString() },
    markerNode: null,
    record: { pass: 3, at: new Date(at).toISOString(), ...(takeOverRecord ? { takeOver: true } : {}) },
  });
  const at = (ms: number) => new Date(t0 + ms);

  it('sync: every changing pass, a no-change pass hourly', () => {
    const o = owner();
    assert.equal(needsStamp(verdict(t0), o, 'S', 1, at(1000)), true);
    assert.equal(needsStamp(verdict(t0), o, 'S', 0, at(1000)), false);
    assert.equal(needsStamp(verdict(t0), o, 'S', 0, at(3_600_000)), true);
    assert.equal(needsStamp(verdict(t0, 'other'), o, 'S', 0, at(1000)), true);
    assert.equal(needsStamp(verdict(t0), owner(undefined, true), 'S', 0, at(1000)), true);
  });

  it('watch: its first pass stamps even without changes, then a changing pass once a minute', () => {
    const stamped = new Map<string, number>();
    const o = owner(stamped);
    assert.equal(needsStamp(verdict(t0), o, 'S', 0, at(0)), true, 'the start-up pass claims the set');
    stamped.set('S', t0);
    assert.equal(needsStamp(verdict(t0), o, 'S', 1, at(1000)), false, 'an edit a second later');
    assert.equal(needsStamp(verdict(t0), o, 'S', 1, at(WATCH_STAMP_MS - 1)), false);
    assert.equal(needsStamp(verdict(t0), o, 'S', 1, at(WATCH_STAMP_MS)), true, 'a minute later');
    assert.equal(needsStamp(verdict(t0), o, 'S', 0, at(WATCH_STAMP_MS)), false, 'no change: hourly only');
    assert.equal(needsStamp(verdict(t0), o, 'S', 0, at(3_600_000)), true);
    assert.equal(needsStamp(verdict(t0), o, 'T', 1, at(1000)), true, 'another set: its own first stamp');
    assert.equal(needsStamp(verdict(t0, 'other'), o, 'S', 0, at(1000)), true, 'not ours: at once');
    assert.equal(needsStamp(verdict(t0, 'inst-1', true), o, 'S', 0, at(1000)), true, 'a take-over: at once');
    assert.equal(needsStamp(verdict(t0), owner(stamped, true), 'S', 0, at(1000)), true);
  });
});
