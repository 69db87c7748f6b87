import { z } from 'zod';

/**
 * Artifact accounts, as Spinnaker names them (clouddriver's artifact credentials): what fetches an
 * artifact a bake or a deploy reads, by the name a stage gives as `account` / `artifactAccount`.
 * Two are built in, `no-auth-http-account` (any `http/file` URL, no credentials) and
 * `embedded-artifact` (`embedded/base64`, the content is in the artifact); the others are
 * configured here. Passwords and tokens are secrets' names (GANTRY_SECRET_<NAME> or `secrets`),
 * never their values.
 */
const secretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a secret name is letters, digits, _ and -');

/** HTTP basic (`username` + `passwordSecret`) or a bearer token (`tokenSecret`). */
const credentials = {
  username: z.string().min(1).optional(),
  passwordSecret: secretName.optional(),
  tokenSecret: secretName.optional(),
};

export const artifactAccountSchema = z.discriminatedUnion(
  'type',
  [
    /** `http/file`: the artifact's `reference` is the URL. */
    z.strictObject({ type: z.literal('http'), ...credentials }),
    /** `github/file`: `reference` is the contents API URL (`https://api.github.com/repos/o/r/contents/path`), `version` the ref. */
    z.strictObject({ type: z.literal('github'), ...credentials }),
    /** `gitlab/file`: `reference` is the files API URL (`…/api/v4/projects/<id>/repository/files/<path>/raw`), `version` the ref. */
    z.strictObject({ type: z.literal('gitlab'), tokenSecret: secretName.optional() }),
    /**
     * `helm/chart`: `name` and `version` of a chart in `repository`, an HTTP chart repository
     * (its `index.yaml`) or an OCI registry (`oci://host/path`; `plainHttp` for one without TLS).
     */
    z.strictObject({
      type: z.literal('helm'),
      repository: z.string().refine((value) => /^(https?|oci):\/\/[^/]+/.test(value), 'must be an http(s):// chart repository or an oci:// registry path'),
      plainHttp: z.boolean().default(false),
      ...credentials,
    }),
    /** `git/repo`: `reference` is the clone URL, `version` the branch or tag, fetched with git. */
    z.strictObject({ type: z.literal('gitRepo'), ...credentials }),
  ],
  { error: 'type is http, github, gitlab, helm or gitRepo' },
);

export type ArtifactAccountConfig = z.output<typeof artifactAccountSchema>;

/** The built-in accounts; a configured account may not take their names. */
export const NO_AUTH_HTTP_ACCOUNT = 'no-auth-http-account';
export const EMBEDDED_ARTIFACT_ACCOUNT = 'embedded-artifact';

export const artifactAccountMap = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
  z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'artifact account names are letters, digits, ., _ and -'), artifactAccountSchema, {
      error: (issue) => (issue.code === 'invalid_type' ? 'expected a map of artifact account name to its settings (a JSON object in the environment)' : undefined),
    })
    .superRefine((accounts, ctx) => {
      for (const name of [NO_AUTH_HTTP_ACCOUNT, EMBEDDED_ARTIFACT_ACCOUNT]) {
        if (name in accounts) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is built in and cannot be configured` });
      }
    }),
);
