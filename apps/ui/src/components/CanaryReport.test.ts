import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CanaryReport } from './CanaryReport';

describe('CanaryReport', () => {
  it("draws each metric's baseline and canary as box plots on one scale, named for screen readers", () => {
    const results = [
      {
        step: 1,
        percent: 10,
        score: 50,
        result: 'fail',
        metrics: [
          {
            name: 'latency',
            classification: 'High',
            baselineSummary: { min: 0, q1: 10, median: 20, q3: 30, max: 40 },
            canarySummary: { min: 40, q1: 50, median: 60, q3: 70, max: 80 },
            baselineSeries: [0, 40],
            canarySeries: [40, null, 80],
          },
          { name: 'errors', classification: 'NodataFail' },
        ],
      },
    ];
    const html = renderToStaticMarkup(createElement(CanaryReport, { results }));
    expect(html).toContain('aria-label="latency: baseline median 20.0 (quartiles 10.0–30.0, range 0.00–40.0); canary median 60.0 (quartiles 50.0–70.0, range 40.0–80.0)"');
    // Scale 0–80 over x 4–156: the baseline's median at 20 is x 42, the canary's at 60 is x 118.
    expect(html).toMatch(/data-side="baseline">.*<line x1="42" x2="42"/);
    expect(html).toMatch(/data-side="canary">.*<line x1="118" x2="118"/);
    expect(html).toContain('no data');
  });

  it("draws each metric's baseline and canary over the step as two lines on one scale, breaking at gaps", () => {
    const results = [
      {
        step: 1,
        start: '2026-12-05T10:00:00.000Z',
        end: '2026-12-05T10:01:00.000Z',
        metrics: [{ name: 'latency', classification: 'High', baselineSeries: [0, 40], canarySeries: [40, null, 80] }, { name: 'errors', classification: 'NodataFail', baselineSeries: [], canarySeries: [] }],
      },
    ];
    const html = renderToStaticMarkup(createElement(CanaryReport, { results }));
    expect(html).toMatch(/aria-label="latency over time from [^"]+ to [^"]+: baseline 0\.00 to 40\.0 \(2 points\); canary 40\.0 to 80\.0 \(3 points\)"/);
    // Scale 0–80 over y 37–3, x 2–158: the baseline rises across the chart; the canary's gap splits its line (two M).
    expect(html).toContain('data-side="baseline" d="M2.0,37.0 L158.0,20.0"');
    expect(html).toContain('data-side="canary" d="M2.0,20.0 M158.0,3.0"');
    // latency has no summaries (no box plots); errors has neither series nor summaries.
    expect(html.match(/no data/g)).toHaveLength(3);
  });
});
