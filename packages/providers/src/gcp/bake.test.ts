import { describe, expect, it } from 'vitest';
import { bakeKey, bakeKeyFilter, bakeStatus, bootDiskOf, buildBuilder, buildImage, builderInstalled, imageFamily, imageName } from './bake';

const inputs = { project: 'p', package: 'checkout', version: '1.2.3', baseImage: 'projects/debian-cloud/global/images/family/debian-12', settings: {} };

describe('gcp bake', () => {
  it('keys a bake by its inputs', () => {
    const key = bakeKey(inputs);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(bakeKey({ ...inputs })).toBe(key);
    expect(bakeKey({ ...inputs, version: '1.2.4' })).not.toBe(key);
    expect(bakeKey({ ...inputs, baseImage: 'other' })).not.toBe(key);
    expect(bakeKey({ ...inputs, settings: { family: 'web' } })).not.toBe(key);
    expect(bakeKey({ ...inputs, baseName: 'base' })).not.toBe(key);
  });

  it('names the image deterministically and validly', () => {
    const key = bakeKey(inputs);
    expect(imageName(inputs, key)).toBe(`checkout-1-2-3-${key.slice(0, 16)}`);
    const long = imageName({ package: 'X'.repeat(80), version: '9' }, key);
    expect(long).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(imageName({ package: '7zip', version: '1' }, key)).toMatch(/^image-7zip-1-/);
    expect(imageName({ ...inputs, baseName: 'Trusty_Base' }, key)).toBe(`trusty-base-1-2-3-${key.slice(0, 16)}`);
  });

  it('builds the image from the boot disk of the builder, with family and labels, and a filter that finds it again', () => {
    const key = bakeKey(inputs);
    const disk = 'projects/p/zones/us-central1-a/disks/gantry-bake-0123';
    expect(buildImage(inputs, key, disk)).toMatchObject({
      family: 'checkout',
      sourceDisk: disk,
      labels: { package: 'checkout', version: '1-2-3', 'gantry-bake-key': key },
    });
    expect(imageFamily({ package: 'Web_App', version: '1', settings: {} })).toBe('web-app');
    expect(bakeKeyFilter(key)).toBe(`labels.gantry-bake-key = "${key}"`);
  });

  it('builds a builder VM of the base image whose startup script installs the package, then powers off', () => {
    const key = bakeKey(inputs);
    const builder = buildBuilder(inputs, key, { region: 'us-central1', zone: 'us-central1-b', machineType: 'e2-small', network: 'default', subnetwork: 'apps' });
    expect(builder).toMatchObject({
      name: `gantry-bake-${key.slice(0, 16)}`,
      machineType: 'zones/us-central1-b/machineTypes/e2-small',
      labels: { package: 'checkout', version: '1-2-3', 'gantry-bake-key': key },
      disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: inputs.baseImage } }],
      networkInterfaces: [{ network: 'projects/p/global/networks/default', subnetwork: 'projects/p/regions/us-central1/subnetworks/apps' }],
    });
    const script = builder.metadata?.items?.find((item) => item.key === 'startup-script')?.value ?? '';
    expect(script).toContain(`apt-get install -y 'checkout'='1.2.3'`);
    expect(script.trimEnd().endsWith('shutdown -h now')).toBe(true);
    expect(builderInstalled({ ...builder, status: 'RUNNING' })).toBe(false);
    expect(builderInstalled({ ...builder, status: 'TERMINATED' })).toBe(true);
    expect(bootDiskOf({ disks: [{ boot: false, source: 'data' }, { boot: true, source: 'boot' }] })).toBe('boot');
  });

  it('reads the image status', () => {
    expect(bakeStatus({ status: 'PENDING' })).toBe('pending');
    expect(bakeStatus({ status: 'READY' })).toBe('available');
    expect(bakeStatus({ status: 'FAILED' })).toBe('failed');
  });
});
