import { isPlainObject } from '../celValues';
import { ManifestProblem, describeManifest, type Manifest } from './manifest';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_NAME = 63;

/**
 * The name a stage's Job is created under. Spinnaker makes each run's Job unique with a random
 * five-character suffix (after `metadata.name` and a dash, or after `generateName`); Gantry
 * derives the suffix from a digest of the stage's identity (the edge hashes it), so a re-run of
 * the create step after a crash finds the Job it made rather than starting a second one, while
 * every other run of the pipeline gets its own Job.
 */
export function jobNameFor(manifest: Manifest, digest: Uint8Array): string {
  const suffix = [...digest.subarray(0, 5)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join('');
  const { name, generateName } = manifest.metadata;
  const prefix = typeof generateName === 'string' && generateName !== '' && (typeof name !== 'string' || name === '') ? generateName : `${String(name)}-`;
  return `${prefix.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** The stage's Job, checked: a Job with a name or generateName; a ManifestProblem names what is wrong. */
export function checkJobManifest(value: unknown): Manifest {
  const where = describeManifest(value, 0).replace(/^manifests\[0\]/, 'manifest');
  if (!isPlainObject(value)) throw new ManifestProblem(`${where}: a manifest must be an object`);
  if (value.kind !== 'Job') throw new ManifestProblem(`${where}: runJobManifest runs a Job, not ${typeof value.kind === 'string' && value.kind !== '' ? `a ${value.kind}` : 'a manifest without kind'}`);
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') throw new ManifestProblem(`${where}: apiVersion is missing`);
  const metadata = isPlainObject(value.metadata) ? value.metadata : undefined;
  const named = (field: string) => typeof metadata?.[field] === 'string' && metadata[field] !== '';
  if (!named('name') && !named('generateName')) throw new ManifestProblem(`${where}: metadata.name (or generateName) is missing`);
  return value as Manifest;
}

const PROPERTY_PREFIX = 'SPINNAKER_PROPERTY_';
const JSON_PREFIX = /^\s*SPINNAKER_CONFIG_JSON=/;

/**
 * Output properties in a job's log, read as Spinnaker's clouddriver reads them: a line holding
 * `SPINNAKER_PROPERTY_<KEY>=value` gives `<key>` (lower-cased, as Spinnaker does, so
 * `SPINNAKER_PROPERTY_COMMIT_ID` is `${commit_id}`) = value (split at the first `=`, empty values
 * skipped); a line `SPINNAKER_CONFIG_JSON=<object>` gives the object's keys. A JSON line that is
 * not an object fails, naming it, as clouddriver does.
 */
export function propertiesFromLog(log: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const line of log.split('\n').map((text) => text.trim()).filter((text) => text !== '')) {
    const at = line.indexOf(PROPERTY_PREFIX);
    if (at !== -1) {
      const assignment = line.slice(at + PROPERTY_PREFIX.length);
      const equals = assignment.indexOf('=');
      const value = equals === -1 ? '' : assignment.slice(equals + 1).trim();
      if (value !== '') properties[assignment.slice(0, equals).trim().toLowerCase()] = value;
    }
    if (JSON_PREFIX.test(line)) {
      const text = line.replace(JSON_PREFIX, '');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!isPlainObject(parsed)) throw new ManifestProblem(`SPINNAKER_CONFIG_JSON is not a JSON object: ${text.slice(0, 200)}`);
      Object.assign(properties, parsed);
    }
  }
  return properties;
}
