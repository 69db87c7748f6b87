import { isPlainObject } from '../celValues';

/**
 * Kubernetes manifests as Gantry's manifest stages handle them (docs/architecture.md "Kubernetes
 * manifests"): plain JSON objects, checked just enough to say which one is wrong and why.
 */
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string } };

export class ManifestProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestProblem';
  }
}

/** How a stage names manifest `index` in messages: `manifests[1] (deployment web)`. */
export function describeManifest(value: unknown, index: number): string {
  const kind = isPlainObject(value) && typeof value.kind === 'string' ? value.kind : undefined;
  const name = isPlainObject(value) && isPlainObject(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : undefined;
  const label = kind !== undefined || name !== undefined ? ` (${kind ?? '<no kind>'} ${name ?? '<no name>'})` : '';
  return `manifests[${index}]${label}`;
}

/** The manifest, checked for what every API request needs; a ManifestProblem names it and the reason. */
export function checkManifest(value: unknown, index: number): Manifest {
  const where = describeManifest(value, index);
  if (!isPlainObject(value)) throw new ManifestProblem(`${where}: a manifest must be an object`);
  if (typeof value.kind !== 'string' || value.kind === '') throw new ManifestProblem(`${where}: kind is missing`);
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') throw new ManifestProblem(`${where}: apiVersion is missing`);
  if (!isPlainObject(value.metadata)) throw new ManifestProblem(`${where}: metadata is missing`);
  if (typeof value.metadata.name !== 'string' || value.metadata.name === '') {
    throw new ManifestProblem(`${where}: metadata.name is missing${typeof value.metadata.generateName === 'string' ? ' (generateName is not deployable: each run would create another object)' : ''}`);
  }
  return value as Manifest;
}

export function annotationsOf(object: Record<string, unknown>): Record<string, string> {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return isPlainObject(metadata.annotations) ? (metadata.annotations as Record<string, string>) : {};
}

export function labelsOf(object: Record<string, unknown>): Record<string, string> {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return isPlainObject(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
}

/** A kind as Spinnaker writes it in names and artifact types: lower camel case (`replicaSet`). */
export function spinnakerKind(kind: string): string {
  return `${kind.charAt(0).toLowerCase()}${kind.slice(1)}`;
}

/** `"deployment web"`: Spinnaker's name of an object. */
export function manifestNameOf(kind: string, name: string): string {
  return `${spinnakerKind(kind)} ${name}`;
}

/** Kinds compare without case: `replicaSet`, `ReplicaSet` and `replicaset` are one kind. */
export function sameKind(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * A key-order-independent text of a JSON value, so that the same manifest always gives the same
 * text (the edges hash it to tell a changed ConfigMap from an unchanged one).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value).sort().filter((key) => value[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}
