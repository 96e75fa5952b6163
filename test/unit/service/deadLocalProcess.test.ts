import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { deadLocalProcess } from '../../../src/service/index.js';

describe('deadLocalProcess', () => {
  it('knows a process of this host that has exited is dead', () => {
    const { pid } = spawnSync(process.execPath, ['-e', '0']);
    expect(deadLocalProcess(`${hostname()}:${pid}`)).toBe(true);
  });

  it('knows nothing of a live process, another host, or an id of another shape', () => {
    expect(deadLocalProcess(`${hostname()}:${process.pid}`)).toBe(false);
    expect(deadLocalProcess(`${hostname()}:${process.ppid}`)).toBe(false);
    expect(deadLocalProcess(`another-host.example:12345`)).toBe(false);
    expect(deadLocalProcess('payrec-blue')).toBe(false);
    expect(deadLocalProcess(`${hostname()}:1`)).toBe(false);
  });
});
