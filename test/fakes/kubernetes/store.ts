/**
 * Where objects live. Every write takes the next value of one global counter as its
 * `resourceVersion`, as etcd's revision does, so clients' optimistic concurrency works as in a
 * real cluster. The store knows nothing of API semantics: the handlers and the controller decide
 * what to write.
 */
import { randomUUID } from 'node:crypto';
import { clone, ensureObject, stringAt, type JsonObject } from './json';
import type { FakeResourceName, ResourceType } from './resources';

export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject;
}

export function nameOf(object: JsonObject): string {
  return stringAt(object, 'metadata', 'name') ?? '';
}

export function namespaceOf(object: JsonObject): string {
  return stringAt(object, 'metadata', 'namespace') ?? '';
}

/** Kubernetes timestamps are RFC 3339 with whole seconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type Listener = () => void;

export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners: Listener[] = [];

  private key(resource: FakeResourceName, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  resourceVersion(): string {
    return String(this.revision);
  }

  /** Called after every write (the controller reconciles on it). */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** A copy of the stored object, or undefined. */
  get(resource: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(this.key(resource.name, resource.namespaced ? namespace : '', name));
    return found && clone(found);
  }

  /** Copies of the objects of one type, in one namespace or all, ordered like etcd keys. */
  list(resource: ResourceType, namespace?: string): KubeObject[] {
    const prefix = namespace !== undefined && resource.namespaced ? `${resource.name}/${namespace}/` : `${resource.name}/`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => clone(object));
  }

  /**
   * Stores a new object, filling the server-owned metadata. Returns what was stored. The
   * controller passes the uid of the objects it makes, so their owners' references stay derivable.
   */
  create(resource: ResourceType, object: KubeObject, uid: string = randomUUID()): KubeObject {
    const metadata = ensureObject(object, 'metadata');
    metadata.uid = uid;
    metadata.creationTimestamp = timestamp();
    return this.write(resource, object);
  }

  /** Stores a new version of an existing object (the caller carried over uid etc.). */
  write(resource: ResourceType, object: KubeObject): KubeObject {
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    const stored = clone(object);
    this.objects.set(this.key(resource.name, resource.namespaced ? namespaceOf(object) : '', nameOf(object)), stored);
    this.changed();
    return clone(stored);
  }

  remove(resource: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const key = this.key(resource.name, resource.namespaced ? namespace : '', name);
    const found = this.objects.get(key);
    if (!found) return undefined;
    this.objects.delete(key);
    // A deletion is a change too: it advances the revision that lists report.
    this.revision++;
    this.changed();
    return clone(found);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
