import { describe, expect, it } from 'vitest';
import { installPackageScript, releaseStem } from './bakeScript';

describe('installPackageScript', () => {
  it('installs the exact version with the package manager of the base image, quoting for the shell', () => {
    const script = installPackageScript({ package: "it's", version: '1.0' });
    expect(script.startsWith('#!/bin/sh\nset -eu\n')).toBe(true);
    expect(script).toContain(`apt-get install -y 'it'\\''s'='1.0'`);
    expect(script).toContain(`yum install -y 'it'\\''s'-'1.0'`);
    // Powering off is how the builder says the install succeeded; set -e never gets there on a failure.
    expect(script.trimEnd().endsWith('\nshutdown -h now')).toBe(true);
  });

  it('installs nothing for a bake of no package (rosco: an empty package list) and still powers off', () => {
    expect(installPackageScript({ version: 'latest' })).toBe('#!/bin/sh\nset -eu\n# gantry bake: no package, the base image as is\nshutdown -h now\n');
  });
});

describe('releaseStem', () => {
  it("is rosco's image name stem: baseName or package with the version, 'all' without a package", () => {
    expect(releaseStem({ package: 'checkout', version: '1.2' })).toBe('checkout-1.2');
    expect(releaseStem({ package: 'checkout', version: '1.2', baseName: 'shop' })).toBe('shop-1.2');
    expect(releaseStem({ version: 'latest' })).toBe('all');
    expect(releaseStem({ version: 'latest', baseName: 'shop' })).toBe('shop');
  });
});
