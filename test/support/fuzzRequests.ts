import fc from 'fast-check';

/**
 * Requests for fuzzing the API, generated from its OpenAPI document (so a new route is fuzzed
 * without anyone listing it): each operation's path, query and header parameters and its JSON
 * body schema give plausible values, which are then broken in the ways that have broken APIs
 * before (NUL, lone surrogates, huge numbers, deep nesting, wrong types, long strings, odd
 * content types, malformed JSON).
 */

type JsonSchema = Record<string, unknown>;

export interface Operation {
  method: string;
  /** OpenAPI template: /api/v1/pipelines/{id} */
  path: string;
  parameters: { in: 'path' | 'query' | 'header'; name: string; schema: JsonSchema }[];
  body?: JsonSchema;
}

export interface FuzzRequest {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: (operation.parameters ?? []).filter((parameter) => ['path', 'query', 'header'].includes(parameter.in)),
      ...(operation.requestBody?.content?.['application/json']?.schema ? { body: operation.requestBody.content['application/json'].schema } : {}),
    })),
  );
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udfff\ud800',
  '\ud83d\ude00',
  '\ufeff',
  '\u202e',
  '\n\r\t',
  '..',
  '../../etc/passwd',
  '%',
  '%00',
  '%zz',
  '%ED%A0%80',
  '{}',
  '[]',
  'null',
  'true',
  '-1',
  '0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999999',
  "'; DROP TABLE pipelines; --",
  '<script>alert(1)</script>',
  '${parameters.x}',
  '#{T(java.lang.Runtime).getRuntime()}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'ÄÖÜ ß 日本語',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '\\',
  '"',
  'a'.repeat(2_001),
];

const longString = fc.constantFrom('a', 'é', '\u0000', '\ud800', 'ab\n').chain((unit) => fc.integer({ min: 300, max: 20_000 }).map((n) => unit.repeat(n)));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: longString },
);

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 63, -(2 ** 63), 2 ** 53 + 2, -0, 0.5, 5e-324, -1, 0, 2 ** 31, 2 ** 32 + 1),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value that follows `schema` (a JSON Schema as zod writes it), using `known` values for named fields. */
export function fromSchema(schema: JsonSchema, document: OpenApiDocument, known: Record<string, string[]> = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const ref = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;
  if (ref !== undefined) return fromSchema(document.components?.schemas?.[ref] ?? {}, document, known, name, depth);
  if (name !== undefined && known[name]?.length) return fc.constantFrom(...known[name]);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const choices = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(choices) && choices.length > 0) return fc.oneof(...choices.map((choice) => fromSchema(choice, document, known, name, depth)));
  if (depth > 6) return fc.constant(null);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const shape = Object.fromEntries(
        Object.entries(properties).map(([key, child]) => [key, fromSchema(child, document, known, key, depth + 1)]),
      );
      const requiredKeys = Object.keys(shape).filter((key) => required.has(key));
      return fc.record(shape, { requiredKeys });
    }
    case 'array':
      return fc.array(fromSchema((schema.items ?? {}) as JsonSchema, document, known, undefined, depth + 1), { maxLength: 3 });
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      return fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Math.min(Number(schema.maxLength ?? 20), 20) });
    case 'integer':
      return fc.integer({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 1000) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1000, max: 1000 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant({}));
  }
}

/**
 * `value` with one spot broken: a field replaced by a nasty value (often of the wrong type), a
 * field removed, or an unexpected field added. `picks` choose the spot, walking down from the root.
 */
function mutate(value: unknown, picks: number[], nasty: unknown, mode: number): unknown {
  if (value === null || typeof value !== 'object') return mode === 3 ? value : nasty;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const [pick, ...rest] = picks;
  if (keys.length === 0 || pick === undefined || (rest.length === 0 && mode === 2)) {
    (copy as Record<string, unknown>)[typeof nasty === 'string' && nasty.length < 50 ? nasty : 'unexpected'] = nasty;
    return copy;
  }
  const key = keys[pick % keys.length]!;
  if (rest.length === 0 && mode === 1) {
    delete (copy as Record<string, unknown>)[key];
    return copy;
  }
  (copy as Record<string, unknown>)[key] = rest.length === 0 ? nasty : mutate((copy as Record<string, unknown>)[key], rest, nasty, mode);
  return copy;
}

const MALFORMED_BODIES = [
  '{',
  '{"a":',
  '[1,]',
  'nul',
  "{'a': 1}",
  '"\\ud800"',
  '{"\\u0000": 1}',
  '{"a": "\\u0000"}',
  '1e999',
  '[-1e999]',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '\u0000',
  '\ufeff{}',
  '{"a": 1, "a": 2}',
  'true',
  '[]',
  '""',
  '0',
];

const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MALFORMED_BODIES),
  fc.integer({ min: 10, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 10, max: 5_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 1_000, max: 20_000 }).map((count) => JSON.stringify(Array.from({ length: count }, (_, i) => i))),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  '*/*',
  'application/json, text/plain',
  ';;;',
];

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant('application/json; charset=utf-8') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

/** Header values must be bytes an HTTP client can send: printable ASCII, sometimes long. */
const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  fc.constantFrom('', ' ', 'x'.repeat(4_000), '../..', '%00', '${x}', "' OR 1=1 --"),
);

/** A string a path or query string can carry: the UTF-8 of each code point, a lone surrogate as its WTF-8 bytes. */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(character);
    }
  }
  return encoded;
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** `arbitrary` in one of five cases, else null. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** Requests for one operation: mostly plausible, each with something broken. */
export function requestsFor(operation: Operation, document: OpenApiDocument, known: Record<string, string[]>): fc.Arbitrary<FuzzRequest> {
  const parameterValue = (parameter: Operation['parameters'][number]) =>
    fc.oneof(
      { weight: 6, arbitrary: fromSchema(parameter.schema, document, known, parameter.name).map(scalarText) },
      { weight: 3, arbitrary: nastyString },
      { weight: 1, arbitrary: nastyNumber.map(String) },
    );
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === 'header');
  const path = fc.tuple(...pathParameters.map(parameterValue), rarely(fc.constantFrom('%zz', '%00', '%ED%A0%80', '%C0%AF'))).map((values) => {
    const raw = values.pop() as string | null;
    let url = operation.path;
    pathParameters.forEach((parameter, position) => {
      const value = percentEncode(values[position] as string);
      url = url.replace(`{${parameter.name}}`, raw === null || position > 0 ? value : `${value}${raw}`);
    });
    return url;
  });
  const query = fc
    .tuple(
      fc.tuple(...queryParameters.map((parameter) => fc.option(parameterValue(parameter), { freq: 2 }))),
      rarely(fc.tuple(nastyString, nastyString)),
    )
    .map(([values, extra]) => {
      const pairs = queryParameters.flatMap((parameter, position) => (values[position] === null ? [] : [[parameter.name, values[position] as string]]));
      if (extra !== null) pairs.push(extra);
      return pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${percentEncode(key!)}=${percentEncode(value!)}`).join('&')}`;
    });
  const headers = fc
    .tuple(...headerParameters.map((parameter) => fc.option(fc.oneof(headerValue, fromSchema(parameter.schema, document, known, parameter.name).map(scalarText).filter((value) => /^[\x20-\x7e]*$/.test(value))), { freq: 2 })))
    .map((values) => Object.fromEntries(headerParameters.flatMap((parameter, position) => (values[position] === null ? [] : [[parameter.name, values[position] as string]]))));
  const plausible = operation.body ? fromSchema(operation.body, document, known) : fc.constant({});
  const examples = known[`${operation.method} ${operation.path}`]?.map((example) => JSON.parse(example) as unknown) ?? [];
  const base = examples.length > 0 ? fc.oneof(plausible, fc.constantFrom(...examples)) : plausible;
  const broken = fc
    .tuple(base, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), nastyValue, fc.integer({ min: 0, max: 3 }))
    .map(([value, picks, nasty, mode]) => JSON.stringify(mutate(value, picks, nasty, mode)));
  const payload: fc.Arbitrary<string | undefined> = fc.oneof(
    // A body where none is expected is sent too, but rarely, so most requests reach the handler.
    { weight: operation.body ? 2 : 40, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: base.map((value) => JSON.stringify(value)) },
    { weight: 6, arbitrary: broken },
    { weight: 2, arbitrary: nastyValue.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: rawBody },
  );
  return fc.record({ path, query, headers, payload, contentType }).map(({ path: url, query: search, headers: sent, payload: body, contentType: type }) => ({
    operation: `${operation.method} ${operation.path}`,
    method: operation.method,
    url: `${url}${search}`,
    headers: { ...sent, ...(body !== undefined && type !== undefined ? { 'content-type': type } : {}) },
    ...(body === undefined ? {} : { payload: body }),
  }));
}
