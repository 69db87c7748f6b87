/**
 * Writing Query-protocol XML. A response body is a tree of plain objects whose keys are element
 * names; lists say their item element (`member` for Auto Scaling and ELBv2, `item` for EC2), so
 * each handler spells the wire names exactly as the service model does.
 */
export type XmlValue = string | number | boolean | Date | undefined | XmlStruct | XmlList;
export interface XmlStruct {
  [element: string]: XmlValue;
}

export class XmlList {
  constructor(
    readonly itemName: string,
    readonly items: readonly XmlValue[],
  ) {}
}

/** An Auto Scaling / ELBv2 list: `<Name><member>…</member></Name>`. */
export function members(values: readonly XmlValue[]): XmlList {
  return new XmlList('member', values);
}

/** An EC2 list: `<nameSet><item>…</item></nameSet>`. */
export function items(values: readonly XmlValue[]): XmlList {
  return new XmlList('item', values);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function scalar(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

function element(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return;
  if (value instanceof XmlList) {
    if (value.items.length === 0) {
      out.push(`<${name}/>`);
      return;
    }
    out.push(`<${name}>`);
    for (const item of value.items) element(value.itemName, item, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    out.push(`<${name}>`);
    for (const [child, childValue] of Object.entries(value)) element(child, childValue, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${scalar(value)}</${name}>`);
}

/** A whole document: `<?xml …?><root xmlns="…">children</root>`. */
export function xmlDocument(root: string, namespace: string | undefined, children: XmlStruct): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', namespace ? `<${root} xmlns="${namespace}">` : `<${root}>`];
  for (const [name, value] of Object.entries(children)) element(name, value, out);
  out.push(`</${root}>`);
  return out.join('');
}
