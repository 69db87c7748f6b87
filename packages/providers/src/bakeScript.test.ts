import { describe, expect, it } from 'vitest';
import { installPackageScript } from './bakeScript';

describe('installPackageScript', () => {
  it('installs the exact version with the package manager of the base image, quoting for the shell', () => {
    const script = installPackageScript({ package: "it's", version: '1.0' });
    expect(script.startsWith('#!/bin/sh\nset -eu\n')).toBe(true);
    expect(script).toContain(`apt-get install -y 'it'\\''s'='1.0'`);
    expect(script).toContain(`yum install -y 'it'\\''s'-'1.0'`);
    // Powering off is how the builder says the install succeeded; set -e never gets there on a failure.
    expect(script.trimEnd().endsWith('\nshutdown -h now')).toBe(true);
  });
});
