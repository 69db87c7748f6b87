import { describe, expect, it } from 'vitest';
import { bakeKey, bakeKeyFilter, bakeStatus, buildImage, imageFamily, imageName } from './bake';

const inputs = { project: 'p', package: 'checkout', version: '1.2.3', baseImage: 'projects/debian-cloud/global/images/family/debian-12', settings: {} };

describe('gcp bake', () => {
  it('keys a bake by its inputs', () => {
    const key = bakeKey(inputs);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(bakeKey({ ...inputs })).toBe(key);
    expect(bakeKey({ ...inputs, version: '1.2.4' })).not.toBe(key);
    expect(bakeKey({ ...inputs, baseImage: 'other' })).not.toBe(key);
    expect(bakeKey({ ...inputs, settings: { family: 'web' } })).not.toBe(key);
  });

  it('names the image deterministically and validly', () => {
    const key = bakeKey(inputs);
    expect(imageName(inputs, key)).toBe(`checkout-1-2-3-${key.slice(0, 16)}`);
    const long = imageName({ package: 'X'.repeat(80), version: '9' }, key);
    expect(long).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(imageName({ package: '7zip', version: '1' }, key)).toMatch(/^image-7zip-1-/);
  });

  it('builds the image with family and labels, and a filter that finds it again', () => {
    const key = bakeKey(inputs);
    expect(buildImage(inputs, key)).toMatchObject({
      family: 'checkout',
      sourceImage: inputs.baseImage,
      labels: { package: 'checkout', version: '1-2-3', 'gantry-bake-key': key },
    });
    expect(imageFamily('Web_App', {})).toBe('web-app');
    expect(bakeKeyFilter(key)).toBe(`labels.gantry-bake-key = "${key}"`);
  });

  it('reads the image status', () => {
    expect(bakeStatus({ status: 'PENDING' })).toBe('pending');
    expect(bakeStatus({ status: 'READY' })).toBe('available');
    expect(bakeStatus({ status: 'FAILED' })).toBe('failed');
  });
});
