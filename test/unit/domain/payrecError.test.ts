import { describe, expect, it } from 'vitest';
import { PayrecError, StoreFull, payrecErrorWithCode } from '../../../src/domain/index.js';

describe('an error declared with payrecErrorWithCode', () => {
  class ShelfEmpty extends payrecErrorWithCode('SHELF_EMPTY') {}

  it('carries its code, its class name, its message and its cause', () => {
    const cause = new Error('disk');
    const error = new ShelfEmpty('nothing left on the shelf', { cause });

    expect(error.code).toBe('SHELF_EMPTY');
    expect(error.name).toBe('ShelfEmpty');
    expect(error.message).toBe('nothing left on the shelf');
    expect(error.cause).toBe(cause);
  });

  it('is a PayrecError and an instance of its own class, not of another coded one', () => {
    const error = new ShelfEmpty('x');

    expect(error).toBeInstanceOf(PayrecError);
    expect(error).toBeInstanceOf(ShelfEmpty);
    expect(error).not.toBeInstanceOf(StoreFull);
    expect(new StoreFull('x')).not.toBeInstanceOf(ShelfEmpty);
  });
});
