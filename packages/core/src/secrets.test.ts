import { describe, expect, it } from 'vitest';
import { MissingSecretError, REDACTED, isSecretName, redactSecrets, resolveSecretReferences, restoreRedacted, secretResolver } from './secrets';

describe('secrets in pipelines', () => {
  it.each(['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-Auth-Token', 'password', 'db_password', 'clientSecret', 'apiKey', 'accessToken', 'privateKey', 'credentials', 'AWS_SECRET_ACCESS_KEY'])(
    '%s is a secret name',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['url', 'tokenUrl', 'secretRef', 'method', 'keyName', 'X-Team', 'passwordPolicy'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));

  it('redacts the text of secret-named fields anywhere, lists too, and keeps secret references visible', () => {
    const stage = {
      type: 'webhook',
      url: 'https://ci.example/hook',
      customHeaders: { Authorization: 'Bearer abc', 'X-Team': 'pay', Cookie: ['a=1', 'b=2'], 'X-Api-Key': { secret: 'ci-key' } },
      payload: { user: 'ana', password: 'hunter2', nested: [{ token: 42 }] },
    };
    expect(redactSecrets({ stages: [stage] })).toEqual({
      stages: [
        {
          type: 'webhook',
          url: 'https://ci.example/hook',
          customHeaders: { Authorization: REDACTED, 'X-Team': 'pay', Cookie: [REDACTED, REDACTED], 'X-Api-Key': { secret: 'ci-key' } },
          payload: { user: 'ana', password: REDACTED, nested: [{ token: REDACTED }] },
        },
      ],
    });
    // A trigger's secret is a reference object by another shape: walked, not hidden.
    expect(redactSecrets({ secret: { ref: 'github' } })).toEqual({ secret: { ref: 'github' } });
  });

  it('puts stored secrets back where a definition sent back holds the marker, and names a marker with nothing stored', () => {
    const stored = { stages: [{ customHeaders: { Authorization: 'Bearer abc' } }] };
    const edited = { stages: [{ customHeaders: { Authorization: REDACTED, 'X-New': 'x' } }] };
    expect(restoreRedacted(edited, stored)).toEqual({ value: { stages: [{ customHeaders: { Authorization: 'Bearer abc', 'X-New': 'x' } }] }, issues: [] });
    const { issues } = restoreRedacted({ stages: [{ payload: { password: REDACTED } }] }, stored);
    expect(issues).toEqual([{ path: ['stages', 0, 'payload', 'password'], message: expect.stringContaining('none is stored here') }]);
  });

  it('resolves references from the environment first, then the configured map, and names a missing one with its field', () => {
    const resolve = secretResolver({ 'ci-key': 'from-config', other: 'o' }, { GANTRY_SECRET_CI_KEY: 'from-env' });
    expect(resolveSecretReferences({ h: { secret: 'ci-key' }, p: [{ secret: 'other' }], keep: { secret: 'x', more: 1 } }, resolve)).toEqual({
      h: 'from-env',
      p: ['o'],
      keep: { secret: 'x', more: 1 },
    });
    let thrown: unknown;
    try {
      resolveSecretReferences({ customHeaders: { Authorization: { secret: 'nope' } } }, resolve);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MissingSecretError);
    expect(thrown).toMatchObject({ path: ['customHeaders', 'Authorization'], message: 'secret "nope" is not configured (GANTRY_SECRET_NOPE or GANTRY_SECRETS)' });
  });
});
