import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples/observability');

/** Every metric name Gantry declares (`name: 'gantry_…'` in the sources), with the series a histogram adds. */
function declaredSeries(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/name: '(gantry_\w+)'/g)) {
          for (const suffix of ['', '_bucket', '_count', '_sum']) names.add(`${match[1]}${suffix}`);
        }
      }
    }
  };
  walk(join(root, 'apps'));
  walk(join(root, 'packages'));
  return names;
}

const used = (expression: string) => [...expression.matchAll(/\b(gantry_\w+)/g)].map((m) => m[1]!);

describe('the observability examples read only metrics Gantry serves', () => {
  const declared = declaredSeries();

  it('Grafana dashboard: every panel query', () => {
    const dashboard = JSON.parse(readFileSync(join(examples, 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        expect(used(expr).length, panel.title).toBeGreaterThan(0);
        expect(used(expr).filter((name) => !declared.has(name)), panel.title).toEqual([]);
      }
    }
  });

  it('Prometheus alert rules: every expression, and the alerts the issue asks for', () => {
    const rules = parse(readFileSync(join(examples, 'prometheus-alerts.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const all = rules.groups.flatMap((group) => group.rules);
    expect(all.map((rule) => rule.alert)).toEqual(expect.arrayContaining(['GantryExecutionsStranded', 'GantryProviderCallsFailing']));
    for (const rule of all) expect(used(rule.expr).filter((name) => !declared.has(name)), rule.alert).toEqual([]);
  });
});
