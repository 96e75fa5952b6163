import { describe, expect, it } from 'vitest';
import { measureJsonStructure } from '../../../../src/adapters/providers/common/jsonStructure.js';
import { kryptogoCanonicalJson } from '../../../../src/adapters/providers/index.js';

const measure = (text: string, maxDepth = 3, maxValues = 5) =>
  measureJsonStructure(Buffer.from(text), { maxDepth, maxValues });

describe('measuring a JSON body before it is parsed', () => {
  it('lets through what stays within both bounds', () => {
    expect(measure('{"a":[1,2],"b":{"c":3}}')).toEqual({ within: true });
    expect(measure('"just a string"')).toEqual({ within: true });
  });

  it('stops at the first level past the depth bound', () => {
    expect(measure('[[[1]]]')).toEqual({ within: true });
    expect(measure('[[[[1]]]]')).toEqual({ within: false, exceeded: 'depth' });
  });

  it('counts values, not bytes', () => {
    expect(measure('[1,2,3,4,5]')).toEqual({ within: true });
    expect(measure('[1,2,3,4,5,6]')).toEqual({ within: false, exceeded: 'values' });
  });

  it('ignores brackets and commas inside strings, escaped quotes included', () => {
    expect(measure('{"a":"[[[[,,,,,,]]]]","b":"\\"[[[[,,,,,,"}')).toEqual({ within: true });
  });

  it('measures a 2,500-level body in one pass without recursing', () => {
    const deep = `${'['.repeat(2_500)}${']'.repeat(2_500)}`;
    expect(measureJsonStructure(Buffer.from(deep))).toEqual({ within: false, exceeded: 'depth' });
  });
});

describe("KryptoGO's canonical form at the deepest structure payrec accepts", () => {
  it('is computed (32 levels of objects and arrays)', () => {
    let nested: unknown = 'leaf';
    for (let level = 0; level < 31; level += 1) nested = level % 2 ? [nested] : { k: nested };
    expect(measureJsonStructure(Buffer.from(JSON.stringify({ n: nested })))).toEqual({
      within: true,
    });
    expect(kryptogoCanonicalJson({ n: nested, signature: 'x' })).toBe(
      JSON.stringify({ n: nested }),
    );
  });
});
