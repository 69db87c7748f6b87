import { z } from 'zod';
import { installTimeoutSchema } from '../bakeScript';
import { BAKE_LABELS, LABELS, METADATA } from './names';

/**
 * `ServerGroupSpec.settings` and `BakeRequest.settings` for GCE. Strict, so a misspelt key fails
 * the deploy with its name instead of being silently ignored. Field names follow Spinnaker's GCE
 * deploy where it has them (`instanceType`, `tags`, `labels`, `backendServiceMetadata` is
 * flattened to `backendService`).
 */

const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const METADATA_KEY = /^[a-zA-Z0-9_-]{1,128}$/;
export const ZONE = /^[a-z]+(-[a-z]+)+\d+-[a-z]$/;

const gceName = z.string().regex(GCE_NAME, 'a GCE resource name (lower-case letters, digits and "-", starting with a letter, at most 63)');
/** A machine type name (`e2-small`, `n2-standard-4`, `e2-custom-2-4096`) or its URL. */
const machineType = z.string().regex(/^([a-z0-9-]+|.*\/machineTypes\/[a-z0-9-]+)$/, 'a machine type such as e2-small');
const port = z.number().int().min(1).max(65535);
const OWNED_LABELS = new Set<string>(Object.values(LABELS));
const OWNED_METADATA = new Set<string>([METADATA.backendServices, METADATA.regionBackendServices, METADATA.urlMap]);

export const gcpServerGroupSettingsSchema = z
  .strictObject({
    /** Spinnaker's name for the machine type. */
    instanceType: machineType.optional(),
    /** GCE's name for the same; give one of the two (default: the account's defaultMachineType). */
    machineType: machineType.optional(),
    /** The backend service enable/disable/weights act on (Spinnaker's backendServiceMetadata). */
    backendService: gceName.optional(),
    /**
     * The URL map sending the load balancer's requests to backendService (global, or regional with
     * regionalBackendService): the abTest stage writes its route rules into the path matchers
     * whose default service is backendService (docs/ab-testing.md).
     */
    urlMap: gceName.optional(),
    /** The backend service is regional (in the group's region) instead of global. */
    regionalBackendService: z.boolean().optional(),
    /** Default: the account's network, else `default`. A name, or a path/URL. */
    network: z.string().min(1).optional(),
    /** Default: the account's subnetwork, else none (auto-mode networks pick one). */
    subnetwork: z.string().min(1).optional(),
    /** Network tags (firewall rules select instances by them). */
    tags: z.array(gceName).optional(),
    /** Extra instance labels; the gantry-* ones are Gantry's. */
    labels: z.record(z.string().regex(LABEL_KEY, 'a label key: lower-case letters, digits, "_" and "-", starting with a letter'), z.string().regex(LABEL_VALUE, 'a label value: lower-case letters, digits, "_" and "-"')).optional(),
    /** The instances' `startup-script` metadata. */
    startupScript: z.string().optional(),
    /** Further instance metadata. */
    metadata: z.record(z.string().regex(METADATA_KEY, 'a metadata key: letters, digits, "_" and "-"'), z.string()).optional(),
    /** Zones of the region the MIG spreads over; default: the account's zones for the region, else GCE's choice. */
    zones: z.array(z.string().regex(ZONE, 'a zone such as us-central1-a')).min(1).optional(),
    /** `{http: 8080}` or GCE's own `[{name, port}]`: the ports backend services address by name. */
    namedPorts: z
      .union([z.record(gceName, port), z.array(z.strictObject({ name: gceName, port }))])
      .transform((ports) => (Array.isArray(ports) ? ports : Object.entries(ports).map(([name, value]) => ({ name, port: value }))))
      .optional(),
    /** Preemptible (spot-priced, may be stopped at any time) instances. */
    preemptible: z.boolean().optional(),
  })
  .superRefine((settings, context) => {
    if (settings.instanceType !== undefined && settings.machineType !== undefined) {
      context.addIssue({ code: 'custom', path: ['machineType'], message: 'give instanceType or machineType, not both' });
    }
    for (const key of Object.keys(settings.labels ?? {})) {
      if (OWNED_LABELS.has(key)) context.addIssue({ code: 'custom', path: ['labels', key], message: `${key} is set by Gantry` });
    }
    for (const key of Object.keys(settings.metadata ?? {})) {
      if (OWNED_METADATA.has(key)) context.addIssue({ code: 'custom', path: ['metadata', key], message: `${key} is set by Gantry (use backendService)` });
      if (key === METADATA.startupScript && settings.startupScript !== undefined) {
        context.addIssue({ code: 'custom', path: ['metadata', key], message: 'give startupScript or metadata.startup-script, not both' });
      }
    }
    if (settings.regionalBackendService !== undefined && settings.backendService === undefined) {
      context.addIssue({ code: 'custom', path: ['regionalBackendService'], message: 'goes with backendService' });
    }
    if (settings.urlMap !== undefined && settings.backendService === undefined) {
      context.addIssue({ code: 'custom', path: ['urlMap'], message: 'goes with backendService' });
    }
  });

export type GcpServerGroupSettings = z.output<typeof gcpServerGroupSettingsSchema>;
export type GcpServerGroupSettingsInput = z.input<typeof gcpServerGroupSettingsSchema>;

/** Image labels the bake sets itself. */
const BAKE_OWNED_LABELS = new Set<string>(Object.values(BAKE_LABELS));

export const gcpBakeSettingsSchema = z
  .strictObject({
    /** The image family; default: the package name. */
    family: gceName.optional(),
    /** Where the builder VM runs; default: the account's first zone of the region, else `<region>-a`. */
    zone: z.string().regex(ZONE, 'a zone such as us-central1-a').optional(),
    /** The builder's machine type; default: the account's defaultMachineType, else e2-small. */
    machineType: machineType.optional(),
    /** The builder's network and subnetwork (it needs a route to the package repository); default: the account's. */
    network: z.string().min(1).optional(),
    subnetwork: z.string().min(1).optional(),
    /** How long the builder may take to install and power off (default 1800). */
    installTimeoutSec: installTimeoutSchema.optional(),
    /** Extra image labels. */
    labels: z.record(z.string().regex(LABEL_KEY, 'a label key'), z.string().regex(LABEL_VALUE, 'a label value')).optional(),
  })
  .superRefine((settings, context) => {
    for (const key of Object.keys(settings.labels ?? {})) {
      if (BAKE_OWNED_LABELS.has(key)) context.addIssue({ code: 'custom', path: ['labels', key], message: `${key} is set by the bake` });
    }
  });

export type GcpBakeSettings = z.output<typeof gcpBakeSettingsSchema>;
