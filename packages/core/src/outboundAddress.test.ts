import { describe, expect, it } from 'vitest';
import { isAllowListed, isBlockedAddress, isMetadataHostName } from './outboundAddress';

describe('outbound address policy', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '100.100.100.200',
    '168.63.129.16', // Azure WireServer
    '192.0.0.192', // Oracle Cloud
    '::ffff:169.254.169.254', // IPv4-mapped
    '::ffff:a9fe:a9fe',
    '[::ffff:168.63.129.16]',
    '::169.254.169.254', // IPv4-compatible
    '64:ff9b::169.254.169.254', // NAT64 well-known prefix
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::c000:c0',
    '64:ff9b:1:a9fe:a9:fe00::', // NAT64 local-use /48 layout
    '2002:a9fe:a9fe::', // 6to4 of link-local
    '2002:a9fe::1',
    '2002:a83f:8110::1', // 6to4 of 168.63.129.16
    '2002:c000:c0::',
    'fe80::1',
    'febf::abcd',
    'fd00:ec2::254',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['127.0.0.1', '10.1.2.3', '8.8.8.8', '::1', '::ffff:10.0.0.1', '64:ff9b::808:808', '2002:0808:0808::1', 'fec0::1', 'not-an-ip', '2001:db8::a9fe:a9fe'])(
    'allows %s',
    (address) => {
      expect(isBlockedAddress(address)).toBe(false);
    },
  );

  it('knows the metadata host names in any case and with a trailing dot', () => {
    expect(isMetadataHostName('METADATA.Google.Internal.')).toBe(true);
    expect(isMetadataHostName('instance-data')).toBe(true);
    expect(isMetadataHostName('metadata.example')).toBe(false);
  });

  it('matches allow-list entries by whole labels, case-insensitively', () => {
    expect(isAllowListed('a.corp.example', ['*.corp.example'])).toBe(true);
    expect(isAllowListed('A.Corp.Example.', ['*.CORP.example'])).toBe(true);
    expect(isAllowListed('evilcorp.example', ['*.corp.example'])).toBe(false);
    expect(isAllowListed('corp.example', ['*.corp.example'])).toBe(false);
    expect(isAllowListed('[fd00:ec2::254]', ['fd00:ec2::254'])).toBe(true);
    expect(isAllowListed('anything', [''])).toBe(false);
  });
});
