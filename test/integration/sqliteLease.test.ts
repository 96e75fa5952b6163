import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteLease } from '../../src/adapters/readModels/sqliteLease.js';

describe('the reconciliation lease', () => {
  const db = new Database(':memory:');
  const lease = (holder: string) => createSqliteLease(db, { name: 'cycle', holder, ttlMs: 1_000 });

  it('lets one holder at a time take it, renews it for that holder, and frees it on release', () => {
    const a = lease('a');
    const b = lease('b');
    expect(a.tryAcquire(10_000)).toBe(true);
    expect(b.tryAcquire(10_500)).toBe(false);
    expect(a.tryAcquire(10_600)).toBe(true);
    expect(b.tryAcquire(11_500)).toBe(false);
    a.release();
    expect(b.tryAcquire(11_500)).toBe(true);
  });

  it('passes to another holder once a dead holder lets it expire', () => {
    const dead = lease('dead');
    const alive = lease('alive');
    alive.release();
    expect(dead.tryAcquire(20_000)).toBe(true);
    expect(alive.tryAcquire(20_999)).toBe(false);
    expect(alive.tryAcquire(21_001)).toBe(true);
  });
});
