/**
 * The `filter` parameter of GCE list calls: comparisons `field = value`, `!=`, `:` (has; `:*` is
 * "is set"), `<`, `>`, `<=`, `>=`, and the regular-expression forms `eq` / `ne` (whole-value match),
 * on dotted fields such as `labels.version`; combined with `AND`, `OR`, `NOT`, parentheses, and
 * juxtaposed parenthesized terms meaning AND: `(labels.package = x) (labels.version = "1")`.
 */
import { isObject, type Json, type JsonObject } from '../kubernetes/json';
import { badRequest } from './errors';

type Operator = '=' | '!=' | ':' | '<' | '>' | '<=' | '>=' | 'eq' | 'ne';

type Expression =
  | { kind: 'compare'; field: string; op: Operator; value: string }
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression };

type Token = { kind: 'open' | 'close' } | { kind: 'word'; text: string } | { kind: 'op'; op: Operator } | { kind: 'value'; text: string };

const SYMBOL_OPERATORS: Operator[] = ['!=', '<=', '>=', '=', ':', '<', '>'];

function invalidFilter(filter: string, why: string): Error {
  return badRequest(`Invalid list filter expression '${filter}': ${why}`);
}

/** A comparison's value: quoted (either quote) or a bare run up to white space or `)`. */
function readValue(filter: string, start: number): { text: string; end: number } {
  let i = start;
  while (filter[i] === ' ') i++;
  const quote = filter[i];
  if (quote === '"' || quote === "'") {
    const close = filter.indexOf(quote, i + 1);
    if (close < 0) throw invalidFilter(filter, 'unterminated string');
    return { text: filter.slice(i + 1, close), end: close + 1 };
  }
  let end = i;
  while (end < filter.length && !/[\s)]/.test(filter[end] ?? '')) end++;
  if (end === i) throw invalidFilter(filter, 'a comparison is missing its value');
  return { text: filter.slice(i, end), end };
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const pushValue = (): void => {
    const { text, end } = readValue(filter, i);
    tokens.push({ kind: 'value', text });
    i = end;
  };
  while (i < filter.length) {
    const char = filter[i] ?? '';
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      i++;
    } else {
      const symbol = SYMBOL_OPERATORS.find((op) => filter.startsWith(op, i));
      if (symbol) {
        tokens.push({ kind: 'op', op: symbol });
        i += symbol.length;
        pushValue();
        continue;
      }
      let end = i;
      while (end < filter.length && !/[\s()=!<>:]/.test(filter[end] ?? '')) end++;
      const word = filter.slice(i, end);
      i = end;
      const previous = tokens[tokens.length - 1];
      if ((word === 'eq' || word === 'ne') && previous?.kind === 'word') {
        tokens.push({ kind: 'op', op: word });
        pushValue();
      } else {
        tokens.push({ kind: 'word', text: word });
      }
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[], private readonly filter: string) {}

  parse(): Expression {
    const expression = this.or();
    if (this.position < this.tokens.length) throw invalidFilter(this.filter, 'unexpected text after the expression');
    return expression;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text === word;
  }

  private or(): Expression {
    let left = this.and();
    while (this.isKeyword('OR')) {
      this.position++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expression {
    let left = this.term();
    for (;;) {
      if (this.isKeyword('AND')) {
        this.position++;
      } else {
        const next = this.peek();
        if (next === undefined || next.kind === 'close' || this.isKeyword('OR')) return left;
      }
      left = { kind: 'and', left, right: this.term() };
    }
  }

  private term(): Expression {
    const token = this.peek();
    if (token?.kind === 'word' && token.text === 'NOT') {
      this.position++;
      return { kind: 'not', operand: this.term() };
    }
    if (token?.kind === 'open') {
      this.position++;
      const inner = this.or();
      if (this.peek()?.kind !== 'close') throw invalidFilter(this.filter, 'missing )');
      this.position++;
      return inner;
    }
    const [field, op, value] = [token, this.tokens[this.position + 1], this.tokens[this.position + 2]];
    if (field?.kind !== 'word' || op?.kind !== 'op' || value?.kind !== 'value') {
      throw invalidFilter(this.filter, 'expected <field> <operator> <value>');
    }
    this.position += 3;
    if (op.op === 'eq' || op.op === 'ne') {
      try {
        new RegExp(value.text);
      } catch {
        throw invalidFilter(this.filter, `'${value.text}' is not a valid regular expression`);
      }
    }
    return { kind: 'compare', field: field.text, op: op.op, value: value.text };
  }
}

export function parseFilter(filter: string): Expression | undefined {
  if (filter.trim() === '') return undefined;
  return new Parser(tokenize(filter), filter).parse();
}

function valuesAt(resource: JsonObject, field: string): Json[] {
  let current: Json[] = [resource];
  for (const key of field.split('.')) {
    current = current.flatMap((item) => (Array.isArray(item) ? item : [item])).flatMap((item) => (isObject(item) && key in item ? [item[key] ?? null] : []));
  }
  return current.flatMap((item) => (Array.isArray(item) ? item : [item]));
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function compareOne(actual: Json, op: Operator, expected: string): boolean {
  const text = isObject(actual) || Array.isArray(actual) ? JSON.stringify(actual) : String(actual);
  switch (op) {
    case '=':
      return expected.includes('*') ? wildcard(expected).test(text) : text === expected;
    case '!=':
      return !compareOne(actual, '=', expected);
    case ':':
      return expected === '*' || text.includes(expected);
    case 'eq':
      return new RegExp(`^(?:${expected})$`).test(text);
    case 'ne':
      return !new RegExp(`^(?:${expected})$`).test(text);
    default: {
      const [a, b] = [Number(text), Number(expected)];
      const order = Number.isNaN(a) || Number.isNaN(b) ? text.localeCompare(expected) : a - b;
      return op === '<' ? order < 0 : op === '>' ? order > 0 : op === '<=' ? order <= 0 : order >= 0;
    }
  }
}

export function matches(expression: Expression | undefined, resource: JsonObject): boolean {
  if (expression === undefined) return true;
  switch (expression.kind) {
    case 'and':
      return matches(expression.left, resource) && matches(expression.right, resource);
    case 'or':
      return matches(expression.left, resource) || matches(expression.right, resource);
    case 'not':
      return !matches(expression.operand, resource);
    case 'compare': {
      const values = valuesAt(resource, expression.field);
      // A negative comparison holds for a missing field; a positive one does not.
      if (expression.op === '!=' || expression.op === 'ne') return values.every((value) => compareOne(value, expression.op, expression.value));
      return values.some((value) => compareOne(value, expression.op, expression.value));
    }
  }
}
