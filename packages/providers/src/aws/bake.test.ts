import { describe, expect, it } from 'vitest';
import { amiName, bakeKey } from './bake';

const inputs = { package: 'checkout', version: '1.2.3', baseImage: 'ami-0abc', region: 'us-east-1' };

describe('bake identity', () => {
  it('gives the same key for the same inputs and another for any change', () => {
    expect(bakeKey(inputs)).toBe(bakeKey({ ...inputs }));
    expect(bakeKey(inputs)).toMatch(/^[0-9a-f]{32}$/);
    for (const change of [{ package: 'cart' }, { version: '1.2.4' }, { baseImage: 'ami-0abd' }, { region: 'eu-west-1' }, { baseName: 'trustybase' }]) {
      expect(bakeKey({ ...inputs, ...change })).not.toBe(bakeKey(inputs));
    }
  });

  it('names the AMI readably within what EC2 allows', () => {
    const key = bakeKey(inputs);
    expect(amiName(inputs, key)).toBe(`checkout-1.2.3-${key.slice(0, 12)}`);
    expect(amiName({ package: 'lib+x', version: '1:2.0~rc1' }, key)).toBe(`lib_x-1_2.0_rc1-${key.slice(0, 12)}`);
    // Spinnaker's baseName replaces the package as the name's stem (rosco's image name factory).
    expect(amiName({ ...inputs, baseName: 'trustybase-x86_64' }, key)).toBe(`trustybase-x86_64-1.2.3-${key.slice(0, 12)}`);
    expect(amiName({ package: 'p'.repeat(300), version: '1' }, key).length).toBeLessThanOrEqual(128);
  });
});
