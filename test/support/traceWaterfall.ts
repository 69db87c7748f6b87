/**
 * One trace as an HTML waterfall (what Zipkin's or Jaeger's trace view shows): a row per span, in
 * tree order, indented by depth, with a bar from its start to its end on the trace's time axis.
 * For the screenshot of an execution's trace (`npm run trace:screenshot`); no I/O here.
 */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  service: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  attributes: Record<string, string>;
}

/** The bar's colour says which boundary made the span (docs/architecture.md "Observability"). */
function kindOf(span: WaterfallSpan): { label: string; colour: string } {
  if (span.attributes['gantry.provider'] !== undefined) return { label: 'provider', colour: '#d9822b' };
  if (span.name.startsWith('stage ')) return { label: 'stage', colour: '#2b7bb9' };
  if (span.name.startsWith('task ')) return { label: 'task', colour: '#3d9970' };
  if (span.name.startsWith('engine ')) return { label: 'message', colour: '#8e8e8e' };
  if (span.name.startsWith('HTTP ')) return { label: 'http', colour: '#b10dc9' };
  return { label: 'api', colour: '#333' };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Spans in tree order (each after its parent, siblings by start), with their depth. */
export function treeOrder(spans: WaterfallSpan[]): { span: WaterfallSpan; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, WaterfallSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: { span: WaterfallSpan; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.start - b.start)) {
      out.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return out;
}

/** The duration's label: after the bar, or before it when the bar ends near the right edge. */
function labelPosition(left: number, width: number): string {
  return left + width > 85 ? `right:${(100 - left).toFixed(3)}%;margin-right:4px` : `left:${(left + width).toFixed(3)}%;margin-left:4px`;
}

export function renderWaterfall(title: string, spans: WaterfallSpan[]): string {
  const t0 = Math.min(...spans.map((span) => span.start));
  const total = Math.max(1, Math.max(...spans.map((span) => span.end)) - t0);
  const rows = treeOrder(spans).map(({ span, depth }) => {
    const { label, colour } = kindOf(span);
    const left = ((span.start - t0) / total) * 100;
    const width = Math.max(0.15, ((span.end - span.start) / total) * 100);
    const detail = span.attributes['gantry.stage.ref_id'] ?? '';
    return `<tr><td class="name" style="padding-left:${8 + depth * 14}px"><span class="kind" style="background:${colour}">${label}</span>${escape(span.name)}${detail === '' ? '' : ` <span class="ref">${escape(detail)}</span>`}</td><td class="svc">${escape(span.service)}</td><td class="axis"><div class="bar" style="left:${left.toFixed(3)}%;width:${width.toFixed(3)}%;background:${colour}"></div><span class="dur" style="${labelPosition(left, width)}">${duration(span.end - span.start)}</span></td></tr>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${f * 100}%">${duration(f * total)}</span>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{font:12px system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:15px;margin:0 0 4px}.sub{color:#666;margin-bottom:10px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td{border-bottom:1px solid #eee;padding:2px 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;height:16px}
td.name{width:390px}td.svc{width:95px;color:#666}
td.axis{position:relative}.bar{position:absolute;top:4px;height:10px;border-radius:2px}
.dur{position:absolute;top:2px;color:#555;font-size:10px}
.kind{display:inline-block;color:#fff;font-size:9px;border-radius:3px;padding:0 4px;margin-right:6px;min-width:44px;text-align:center}
.ref{color:#2b7bb9}.ticks{position:relative;height:14px;margin-left:485px;color:#888;font-size:10px}.ticks span{position:absolute}
</style></head><body><h1>${escape(title)}</h1><div class="sub">${spans.length} spans, ${duration(total)}, one trace</div>
<div class="ticks">${ticks}</div><table>${rows.join('')}</table></body></html>`;
}
