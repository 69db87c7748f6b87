import { describe, expect, it } from 'vitest';
import type { ServerGroupSpec } from '../CloudProvider';
import { backendServiceOf, buildInstanceGroupManager, buildInstanceTemplate, readMigDescription } from './resources';
import { settingsProblems } from '../validation';
import { gcpServerGroupSettingsSchema } from './settings';

const spec: ServerGroupSpec = {
  account: 'gcp',
  application: 'web',
  cluster: 'web-prod',
  name: 'web-prod-v002',
  image: 'web-1-2',
  capacity: { min: 1, max: 3, desired: 2 },
};
const placement = { project: 'p', region: 'us-central1', network: 'shared', zones: ['us-central1-a'] };

describe('gcp resources', () => {
  it('builds the template from settings over account defaults', () => {
    const settings = gcpServerGroupSettingsSchema.parse({ subnetwork: 'web', preemptible: true, backendService: 'web-bs', regionalBackendService: true, labels: { team: 'a' } });
    const template = buildInstanceTemplate(spec, settings, placement, 'e2-small');
    expect(template.properties).toMatchObject({
      machineType: 'e2-small',
      labels: { team: 'a', 'gantry-server-group': 'web-prod-v002' },
      networkInterfaces: [{ network: 'projects/p/global/networks/shared', subnetwork: 'projects/p/regions/us-central1/subnetworks/web' }],
      scheduling: { preemptible: true, automaticRestart: false },
    });
    expect(backendServiceOf(template)).toEqual({ name: 'web-bs', regional: true });
    expect(buildInstanceTemplate(spec, settings, placement, 'e2-small').name).toBe(template.name);
    expect(buildInstanceTemplate({ ...spec, image: 'web-1-3' }, settings, placement, 'e2-small').name).not.toBe(template.name);
  });

  it('builds the MIG with the target size, zones and Gantry description', () => {
    const mig = buildInstanceGroupManager(spec, gcpServerGroupSettingsSchema.parse({}), placement, 'web-prod-v002-0123abcd');
    expect(mig).toMatchObject({ name: 'web-prod-v002', targetSize: 2, instanceTemplate: 'projects/p/global/instanceTemplates/web-prod-v002-0123abcd', distributionPolicy: { zones: [{ zone: 'projects/p/zones/us-central1-a' }] } });
    expect(readMigDescription(mig.description)).toEqual({ application: 'web', cluster: 'web-prod', image: 'web-1-2', min: 1, max: 3 });
    expect(readMigDescription('{"gantry":{"min":"x"}}')).toBeUndefined();
  });

  it('names the settings field that is wrong', () => {
    const parsed = gcpServerGroupSettingsSchema.safeParse({ instanceType: 'e2-small', machineType: 'e2-small', labels: { 'gantry-cluster': 'x' }, zones: ['nowhere'], machineTyp: 1 });
    expect(parsed.success).toBe(false);
    const text = parsed.success ? '' : settingsProblems(parsed.error);
    expect(text).toContain('machineTyp');
    expect(text).toContain('settings.zones[0]');
    const rules = gcpServerGroupSettingsSchema.safeParse({ instanceType: 'e2-small', machineType: 'e2-small', labels: { 'gantry-cluster': 'x' } });
    const ruleText = rules.success ? '' : settingsProblems(rules.error);
    expect(ruleText).toContain('settings.machineType: give instanceType or machineType, not both');
    expect(ruleText).toContain('settings.labels.gantry-cluster: gantry-cluster is set by Gantry');
    expect(gcpServerGroupSettingsSchema.parse({ namedPorts: [{ name: 'http', port: 80 }] }).namedPorts).toEqual([{ name: 'http', port: 80 }]);
  });
});
