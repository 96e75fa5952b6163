import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteLease, leaseHolder } from '../../src/adapters/readModels/sqliteLease.js';

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

  it('says who holds it and since when: a renewal keeps the time, a new holder sets its own', () => {
    const own = new Database(':memory:');
    const first = createSqliteLease(own, { name: 'cycle', holder: 'first', ttlMs: 1_000 });
    const second = createSqliteLease(own, { name: 'cycle', holder: 'second', ttlMs: 1_000 });
    expect(leaseHolder(own, 'cycle', 0)).toBeNull();
    first.tryAcquire(30_000);
    first.tryAcquire(30_500);
    expect(leaseHolder(own, 'cycle', 30_600)).toEqual({ holder: 'first', takenAt: 30_000 });
    expect(leaseHolder(own, 'cycle', 31_600)).toBeNull();
    second.tryAcquire(31_600);
    expect(leaseHolder(own, 'cycle', 31_700)).toEqual({ holder: 'second', takenAt: 31_600 });
  });

  it('adds the time to a lease table made before payrec kept it', () => {
    const old = new Database(':memory:');
    old.exec(
      'CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID',
    );
    old.prepare("INSERT INTO leases VALUES ('cycle', 'before', 50_000)").run();
    expect(leaseHolder(old, 'cycle', 40_000)).toEqual({ holder: 'before', takenAt: null });
    const next = createSqliteLease(old, { name: 'cycle', holder: 'after', ttlMs: 1_000 });
    expect(next.tryAcquire(50_001)).toBe(true);
    expect(leaseHolder(old, 'cycle', 50_002)).toEqual({ holder: 'after', takenAt: 50_001 });
  });
});
