/** The `npm run fake -- gcp` subcommand: its options and a started fake answering curl-like requests. */
import { describe, expect, it } from 'vitest';
import { gcpCommand } from './command';

describe('npm run fake -- gcp', () => {
  it('starts on the options given and prints working hints', async () => {
    const fake = await gcpCommand.start(['--project', 'my-project', '--ready-delay-ms', '0']);
    try {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const listHint = fake.hints?.[0] ?? '';
      expect(listHint).toBe(`curl ${fake.url}/compute/v1/projects/my-project/regions/us-central1/instanceGroupManagers`);
      const listed = await fetch(listHint.replace(/^curl /, ''));
      expect(await listed.json()).toMatchObject({ kind: 'compute#regionInstanceGroupManagerList' });
      const inserted = await fetch(`${fake.url}/compute/v1/projects/my-project/global/instanceTemplates`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'web-v001', properties: { machineType: 'e2-small' } }),
      });
      expect(await inserted.json()).toMatchObject({ kind: 'compute#operation', operationType: 'compute.instanceTemplates.insert' });
    } finally {
      await fake.close();
    }
  });

  it('rejects bad options with a message naming them', async () => {
    await expect(gcpCommand.start(['--ready-delay-ms', 'soon'])).rejects.toThrow('--ready-delay-ms must be a non-negative integer');
    await expect(gcpCommand.start(['--project', 'Bad_Project'])).rejects.toThrow('--project must be a project id');
    await expect(gcpCommand.start(['--region', 'x'])).rejects.toThrow();
  });
});
