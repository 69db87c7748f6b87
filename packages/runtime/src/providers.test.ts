import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@gantry/config';
import { describe, expect, it } from 'vitest';
import { describeAccounts, openProviderRegistry } from './providers';

describe('openProviderRegistry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-accounts-'));

  it('reads the accounts of GANTRY_ACCOUNTS_FILE', () => {
    const file = join(dir, 'accounts.yaml');
    writeFileSync(file, 'accounts:\n  - name: k8s\n    provider: kubernetes\n    server: http://127.0.0.1:6443\n    namespace: ns1\n');
    const registry = openProviderRegistry({}, { GANTRY_ACCOUNTS_FILE: file });
    expect(registry.accounts().map((account) => account.name)).toEqual(['k8s']);
    expect(describeAccounts(registry)).toBe('accounts: k8s (kubernetes)');
  });

  it('names GANTRY_ACCOUNTS_FILE when the file is missing or wrong', () => {
    expect(() => openProviderRegistry({}, { GANTRY_ACCOUNTS_FILE: join(dir, 'missing.yaml') })).toThrow(/^GANTRY_ACCOUNTS_FILE: cannot read /);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'accounts:\n  - name: k8s\n    provider: kubernetes\n    token: literal-secret\n');
    expect(() => openProviderRegistry({}, { GANTRY_ACCOUNTS_FILE: bad })).toThrow(ConfigError);
    expect(() => openProviderRegistry({}, { GANTRY_ACCOUNTS_FILE: bad })).toThrow(/^GANTRY_ACCOUNTS_FILE: invalid accounts file .*token/);
  });

  it('has the one account local without a file, and says where it comes from', () => {
    const registry = openProviderRegistry({}, {});
    expect(registry.accounts()).toEqual([{ name: 'local', provider: 'local' }]);
    expect(describeAccounts(registry)).toBe('accounts: local (local, the default: GANTRY_ACCOUNTS_FILE unset and no ./accounts.yaml)');
  });

  it('has no accounts with a file that lists none, and says what that means', () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'accounts: []\n');
    const registry = openProviderRegistry({}, { GANTRY_ACCOUNTS_FILE: empty });
    expect(registry.accounts()).toEqual([]);
    expect(describeAccounts(registry)).toMatch(/^no accounts configured/);
  });
});
