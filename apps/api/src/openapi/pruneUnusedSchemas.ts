const REF = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * Drops component schemas nothing refers to. The zod transform emits every schema registered with an
 * id twice (as input and as output); only the ones the routes actually use belong in the document.
 */
export function pruneUnusedSchemas<D extends object>(document: D): D {
  if (!('components' in document)) return document;
  const { components, ...rest } = document;
  if (typeof components !== 'object' || components === null || !('schemas' in components)) return document;
  const schemas = components.schemas as Record<string, unknown>;
  const used = new Set<string>();
  const pending = refsIn(rest);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}

function refsIn(value: unknown): string[] {
  return [...(JSON.stringify(value) ?? '').matchAll(REF)].flatMap((match) => match[1] ?? []);
}
