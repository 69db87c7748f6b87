import { describe, expect, it } from 'vitest';
import { checkUrl, type HostLookup } from './ssrfGuard';

/** A DNS that knows a few names, and records what it was asked. */
function fakeDns(records: Record<string, string[]>): { lookup: HostLookup; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (host) => {
      asked.push(host);
      const found = records[host];
      if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
  };
}

const noDns: HostLookup = async (host) => {
  throw new Error(`DNS must not be consulted for ${host}`);
};

describe('ssrfGuard', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.0.1/',
    'http://2852039166/latest/meta-data/', // decimal
    'http://0xA9FEA9FE/', // hex
    'http://0251.0376.0251.0376/', // octal
    'http://169.254.43518/', // a.b.c with a 16-bit last part
    'http://[::ffff:169.254.169.254]/', // IPv4-mapped IPv6
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/', // NAT64
    'http://[fe80::1]/',
    'http://[febf::abcd]/',
    'http://[fd00:ec2::254]/',
    'http://[2002:a9fe:a9fe::]/', // 6to4
    'http://168.63.129.16/machine/?comp=goalstate', // Azure WireServer
    'http://192.0.0.192/latest/', // Oracle Cloud
    'http://100.100.100.200/latest/meta-data/',
    'https://169.254.169.254:8443/',
  ])('refuses the link-local/metadata address %s without DNS', async (url) => {
    const verdict = await checkUrl(url, { allowedHosts: [], lookup: noDns });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.kind).toBe('refused');
    expect(verdict.reason).toMatch(/is a link-local\/metadata address; add it to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow/);
  });

  it('names the normalised address, so a decimal URL is recognisable', async () => {
    const verdict = await checkUrl('http://2852039166/', { allowedHosts: [], lookup: noDns });
    expect(verdict).toEqual({
      ok: false,
      kind: 'refused',
      reason: 'refused: 169.254.169.254 is a link-local/metadata address; add it to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow',
    });
  });

  it.each(['http://metadata.google.internal/computeMetadata/v1/', 'http://METADATA.Google.Internal./', 'http://metadata/', 'http://instance-data/'])(
    'refuses the metadata host name %s',
    async (url) => {
      const verdict = await checkUrl(url, { allowedHosts: [], lookup: noDns });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/is a cloud metadata host/);
    },
  );

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1/', 'data:text/plain,hi'])('refuses the scheme of %s', async (url) => {
    const verdict = await checkUrl(url, { allowedHosts: ['*'], lookup: noDns });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(/scheme .* is not allowed/);
  });

  it('refuses a name when any of its addresses is forbidden', async () => {
    const dns = fakeDns({ 'sneaky.example': ['10.0.0.5', '169.254.169.254'], 'six.example': ['fe80::5'] });
    const verdict = await checkUrl('http://sneaky.example/x', { allowedHosts: [], lookup: dns.lookup });
    expect(verdict).toEqual({
      ok: false,
      kind: 'refused',
      reason:
        'refused: sneaky.example resolves to 169.254.169.254, a link-local/metadata address; add sneaky.example to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow',
    });
    expect((await checkUrl('http://six.example/', { allowedHosts: [], lookup: dns.lookup })).ok).toBe(false);
  });

  it.each(['http://127.0.0.1:8080/', 'http://[::1]/', 'http://10.1.2.3/', 'http://192.168.0.10/', 'http://172.16.0.1/', 'https://8.8.8.8/'])(
    'allows loopback, private and public addresses: %s',
    async (url) => {
      expect((await checkUrl(url, { allowedHosts: [], lookup: noDns })).ok).toBe(true);
    },
  );

  it('allows a name whose addresses are all fine', async () => {
    const dns = fakeDns({ 'ci.internal': ['10.0.0.7', '::1'] });
    const verdict = await checkUrl('http://ci.internal/job', { allowedHosts: [], lookup: dns.lookup });
    expect(verdict.ok).toBe(true);
    expect(dns.asked).toEqual(['ci.internal']);
  });

  it('reports an unresolvable host separately from a refusal', async () => {
    const verdict = await checkUrl('http://nowhere.example/', { allowedHosts: [], lookup: fakeDns({}).lookup });
    expect(verdict).toEqual({ ok: false, kind: 'unresolvable', reason: 'cannot resolve nowhere.example: ENOTFOUND' });
  });

  it('refuses what is not a URL', async () => {
    const verdict = await checkUrl('not a url', { allowedHosts: [], lookup: noDns });
    expect(verdict.ok).toBe(false);
  });

  it('lets allow-listed hosts through: exact, *.suffix, IP literal; without asking DNS', async () => {
    const options = { allowedHosts: ['metadata.google.internal', '*.corp.example', '169.254.169.254'], lookup: noDns };
    expect((await checkUrl('http://metadata.google.internal/', options)).ok).toBe(true);
    expect((await checkUrl('http://2852039166/', options)).ok).toBe(true);
    expect((await checkUrl('http://link.local.corp.example/', options)).ok).toBe(true);
    // Other metadata targets stay refused.
    expect((await checkUrl('http://100.100.100.200/', options)).ok).toBe(false);
  });
});
