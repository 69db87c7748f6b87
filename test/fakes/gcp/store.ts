/**
 * Where resources live, as the JSON GCE returns for them, keyed by collection, scope and name.
 * The store knows nothing of API semantics: the collection handlers decide what to write.
 */
import { randomBytes } from 'node:crypto';
import { clone, type JsonObject } from '../kubernetes/json';
import { scopePath, type Scope } from './links';

export type CollectionName =
  | 'instanceTemplates'
  | 'images'
  | 'healthChecks'
  | 'backendServices'
  | 'urlMaps'
  | 'instanceGroupManagers'
  | 'instanceGroups'
  | 'instances'
  | 'disks';

/** GCE timestamps: RFC 3339 with milliseconds. */
export function timestamp(ms = Date.now()): string {
  return new Date(ms).toISOString();
}

/** An 8-byte fingerprint, base64 as GCE sends it; a new one on every change of what it guards. */
export function newFingerprint(): string {
  return randomBytes(8).toString('base64');
}

export class ResourceStore {
  private readonly resources = new Map<string, JsonObject>();
  /** GCE ids are unsigned 64-bit numbers sent as decimal strings. */
  private nextNumericId = 1_000_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE());

  newId(): string {
    this.nextNumericId += BigInt(1 + (randomBytes(2).readUInt16BE() % 997));
    return this.nextNumericId.toString();
  }

  private key(collection: CollectionName, scope: Scope, name: string): string {
    return `${collection}|${scopePath(scope)}|${name}`;
  }

  /** A copy of the stored resource, or undefined. */
  get(collection: CollectionName, scope: Scope, name: string): JsonObject | undefined {
    const found = this.resources.get(this.key(collection, scope, name));
    return found && clone(found);
  }

  has(collection: CollectionName, scope: Scope, name: string): boolean {
    return this.resources.has(this.key(collection, scope, name));
  }

  /** Copies, ordered by name as GCE lists them; every scope when `scope` is absent. */
  list(collection: CollectionName, scope?: Scope): JsonObject[] {
    const prefix = scope === undefined ? `${collection}|` : `${collection}|${scopePath(scope)}|`;
    return [...this.resources.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, resource]) => clone(resource))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }

  /** Stores (or replaces) a resource under its `name`. */
  put(collection: CollectionName, scope: Scope, resource: JsonObject): void {
    this.resources.set(this.key(collection, scope, String(resource.name)), clone(resource));
  }

  remove(collection: CollectionName, scope: Scope, name: string): boolean {
    return this.resources.delete(this.key(collection, scope, name));
  }
}
