import { describe, expect, it } from 'vitest';
import { baseInstanceName, labelValue, parseImageReference, resourcePath, sameResource, templateName, templateNamePrefix } from './names';

describe('gcp names', () => {
  it('names a template by its group and content: same content, same name; other content, other name', () => {
    const a = templateName('checkout-prod-v001', { properties: { machineType: 'e2-small', labels: { x: '1' } } });
    expect(a).toMatch(/^checkout-prod-v001-[0-9a-f]{8}$/);
    expect(templateName('checkout-prod-v001', { properties: { labels: { x: '1' }, machineType: 'e2-small' } })).toBe(a);
    expect(templateName('checkout-prod-v001', { properties: { machineType: 'e2-medium', labels: { x: '1' } } })).not.toBe(a);
  });

  it('keeps long names within GCE limits', () => {
    const long = `${'a'.repeat(58)}-v001`;
    const name = templateName(long, {});
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.startsWith(templateNamePrefix(long))).toBe(true);
    expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(baseInstanceName(long).length).toBeLessThanOrEqual(58);
  });

  it('makes label values from any text', () => {
    expect(labelValue('1.2.3+Build_7')).toBe('1-2-3-build_7');
    expect(labelValue('x'.repeat(80))).toHaveLength(63);
  });

  it('compares resource URLs whatever their host and version prefix', () => {
    const path = 'projects/p/regions/us-central1/instanceGroups/web-v001';
    expect(resourcePath(`https://www.googleapis.com/compute/v1/${path}`)).toBe(path);
    expect(sameResource(`http://127.0.0.1:9/compute/v1/${path}`, path)).toBe(true);
    expect(sameResource(path, `${path}0`)).toBe(false);
  });

  it('reads image references: a name, a path or URL, a family', () => {
    expect(parseImageReference('p', 'base')).toEqual({ project: 'p', image: 'base' });
    expect(parseImageReference('p', 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-x')).toEqual({ project: 'debian-cloud', image: 'debian-12-x' });
    expect(parseImageReference('p', 'projects/debian-cloud/global/images/family/debian-12')).toEqual({ project: 'debian-cloud', family: 'debian-12' });
    expect(parseImageReference('p', 'zones/x/disks/d')).toBeUndefined();
  });
});
