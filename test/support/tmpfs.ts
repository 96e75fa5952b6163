import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mounts a tmpfs with `options` (`size=6m`, `ro,size=1m`) at a new directory, or says why it cannot. */
export const mountTmpfs = (options: string): { path: string } | { skip: string } => {
  const path = mkdtempSync(join(tmpdir(), 'payrec-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'pipe' });
    return { path };
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs here (${String(error).split('\n')[0] ?? ''})` };
  }
};

export const unmount = (path: string) => {
  execFileSync('umount', ['-l', path], { stdio: 'pipe' });
  rmSync(path, { recursive: true, force: true });
};

/** Fills the file system that holds `path` to its last byte (`dd` ends with "No space left"). */
export const fillDisk = (path: string) => {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path}`, 'bs=64k'], { stdio: 'pipe' });
  } catch {
    // dd always fails here: that failure is the full disk.
  }
};
