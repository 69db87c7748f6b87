import type { KubeObject } from '../store';
import type { FieldCause } from '../status';
import type { NameRule } from './validation';

/** Server-side behaviour of one resource type beyond plain storage. */
export interface ResourceRules {
  nameRule: NameRule;
  /** Fills what the API server defaults or allocates; `old` is set on updates. */
  applyDefaults(object: KubeObject, old: KubeObject | undefined): void;
  /** Field errors that make the request a 422 Invalid; `old` is set on updates. */
  validate(object: KubeObject, old: KubeObject | undefined): FieldCause[];
}
