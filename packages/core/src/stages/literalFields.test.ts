import { describe, expect, it } from 'vitest';
import { putLiteralsBack, setLiteralsAside } from './literalFields';

describe('literal fields', () => {
  const fields = {
    cluster: { image: '${parameters.image}' },
    canaryConfig: { metrics: [{ name: 'errors', query: 'rate(errors{group="${scope}"}[1m])' }, { name: 'latency' }] },
  };
  const patterns = [['canaryConfig', 'metrics', '*', 'query']];

  it('takes matching strings out and puts them back where they were, leaving the input alone', () => {
    const { rest, literals } = setLiteralsAside(fields, patterns);
    expect(rest).toEqual({ cluster: { image: '${parameters.image}' }, canaryConfig: { metrics: [{ name: 'errors' }, { name: 'latency' }] } });
    expect(literals).toEqual([{ path: ['canaryConfig', 'metrics', 0, 'query'], value: 'rate(errors{group="${scope}"}[1m])' }]);
    expect(putLiteralsBack(rest, literals)).toEqual(fields);
    expect(fields.canaryConfig.metrics[0]?.query).toBe('rate(errors{group="${scope}"}[1m])');
  });

  it('leaves non-string values matching a pattern to validation', () => {
    const odd = { canaryConfig: { metrics: [{ query: { nested: '${x}' } }] } };
    expect(setLiteralsAside(odd, patterns)).toEqual({ rest: odd, literals: [] });
  });
});
