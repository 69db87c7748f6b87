import { z } from 'zod';

/**
 * `ServerGroupSpec.settings` for Kubernetes. Strict, so a misspelt key fails the deploy with its
 * name instead of being silently ignored.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const port = z.number().int().min(1).max(65535);
const quantity = z.union([z.string().min(1), z.number().nonnegative()]).transform(String);
const resourceList = z.record(z.string().min(1), quantity);

const probe = z.strictObject({
  httpGet: z.strictObject({ path: z.string().startsWith('/').default('/'), port: port.optional(), scheme: z.enum(['HTTP', 'HTTPS']).optional() }).optional(),
  tcpSocket: z.strictObject({ port: port.optional() }).optional(),
  exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
  initialDelaySeconds: z.number().int().nonnegative().optional(),
  periodSeconds: z.number().int().positive().optional(),
  timeoutSeconds: z.number().int().positive().optional(),
  successThreshold: z.number().int().positive().optional(),
  failureThreshold: z.number().int().positive().optional(),
}).refine((value) => [value.httpGet, value.tcpSocket, value.exec].filter(Boolean).length === 1, 'give exactly one of httpGet, tcpSocket, exec');

const envVarName = z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, 'an environment variable name');

export const kubernetesServerGroupSettingsSchema = z.strictObject({
  /** The port the container listens on; also the Service's port. Default 8080. */
  containerPort: port.optional(),
  /** Default: the application name. */
  containerName: z.string().regex(DNS_LABEL, 'a DNS-1123 label').max(63).optional(),
  /** `{NAME: value}` or Kubernetes' own `[{name, value}]`. */
  env: z
    .union([z.record(envVarName, z.string()), z.array(z.strictObject({ name: envVarName, value: z.string() }))])
    .transform((env) => (Array.isArray(env) ? env : Object.entries(env).map(([name, value]) => ({ name, value }))))
    .optional(),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
  readinessProbe: probe.optional(),
  /** `sha256:<64 hex>`: pins the image when the image reference has only a tag. */
  imageDigest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'sha256:<64 hex digits>').optional(),
});

export type KubernetesServerGroupSettings = z.output<typeof kubernetesServerGroupSettingsSchema>;
export type KubernetesServerGroupSettingsInput = z.input<typeof kubernetesServerGroupSettingsSchema>;

export const DEFAULT_CONTAINER_PORT = 8080;
