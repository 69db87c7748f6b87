/**
 * A parser for the part of the Spring Expression Language (SpEL) that Spinnaker pipelines use
 * (docs/architecture.md "Expressions"). Written here rather than taken from spel2js so that what
 * the language can reach is decided in one small evaluator (`evaluate.ts`): the grammar has no
 * assignment, no bean references (`@x`, `&x`) and no free type references; `T(…)` and `new …`
 * parse, and the evaluator allows a short list of harmless Java classes by name.
 */

export type SpelNode =
  | { kind: 'literal'; value: SpelLiteral }
  /** A bare name: a property of the active object (the root, or the element inside `.?[…]`). */
  | { kind: 'name'; name: string }
  /** `#this`, `#root` or another variable. */
  | { kind: 'variable'; name: string }
  /** `#name(…)`: one of Spinnaker's helper functions. */
  | { kind: 'function'; name: string; args: SpelNode[] }
  | { kind: 'property'; target: SpelNode; name: string; safe: boolean }
  | { kind: 'index'; target: SpelNode; index: SpelNode }
  | { kind: 'method'; target: SpelNode; name: string; args: SpelNode[]; safe: boolean }
  /** `.?[…]` all matches, `.^[…]` the first, `.$[…]` the last. */
  | { kind: 'select'; target: SpelNode; which: 'all' | 'first' | 'last'; condition: SpelNode; safe: boolean }
  | { kind: 'project'; target: SpelNode; expression: SpelNode; safe: boolean }
  | { kind: 'list'; items: SpelNode[] }
  | { kind: 'map'; entries: { key: SpelNode; value: SpelNode }[] }
  | { kind: 'unary'; operator: '!' | '-' | '+'; operand: SpelNode }
  | { kind: 'binary'; operator: BinaryOperator; left: SpelNode; right: SpelNode }
  | { kind: 'and' | 'or'; left: SpelNode; right: SpelNode }
  | { kind: 'ternary'; condition: SpelNode; then: SpelNode; otherwise: SpelNode }
  | { kind: 'elvis'; value: SpelNode; fallback: SpelNode }
  /** `T(name)`: a class named for its static methods. */
  | { kind: 'type'; className: string }
  | { kind: 'new'; className: string; args: SpelNode[] };

export type SpelLiteral = null | boolean | string | number | { double: number };

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^' | 'matches';

/** A source that is not SpEL, or uses a part of it pipelines cannot: the message says which. */
export class SpelSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'SpelSyntaxError';
  }
}

type Token =
  | { type: 'number'; value: SpelLiteral; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'name'; value: string; at: number }
  | { type: 'symbol'; value: string; at: number }
  | { type: 'end'; at: number };

// Longest first, so that `?.` wins over `?` and `.?[` over `.`.
const SYMBOLS = ['.?[', '.^[', '.$[', '.![', '?.', '?:', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '.', ',', '(', ')', '[', ']', '{', '}', '?', ':', '<', '>', '+', '-', '*', '/', '%', '^', '!', '#', '=', '@', '&'];

const WORD_OPERATORS: Record<string, string> = {
  and: '&&',
  or: '||',
  not: '!',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  div: '/',
  mod: '%',
};

/** Deeper nesting is refused: a parse is recursive, and a hostile source must not overflow the stack. */
const MAX_DEPTH = 100;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const start = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new SpelSyntaxError('unterminated string literal', start);
        if (source[i] === ch) {
          // SpEL escapes a quote by doubling it; there are no backslash escapes.
          if (source[i + 1] === ch) {
            text += ch;
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += source[i];
        i += 1;
      }
      tokens.push({ type: 'string', value: text, at: start });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(0[xX][0-9a-fA-F]+[lL]?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[lLfFdD]?)/.exec(source.slice(i))!;
      let text = match[0];
      // `1.toString()` is not a real: a dot followed by a letter ends the number.
      if (/\.$/.test(text) && /[A-Za-z_]/.test(source[i + text.length] ?? '')) text = text.slice(0, -1);
      tokens.push({ type: 'number', value: numberLiteral(text, i), at: i });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const name = /^[A-Za-z_$][\w$]*/.exec(source.slice(i))![0];
      tokens.push({ type: 'name', value: name, at: i });
      i += name.length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => source.startsWith(candidate, i));
    if (symbol === undefined) throw new SpelSyntaxError(`unexpected character "${ch}"`, i);
    tokens.push({ type: 'symbol', value: symbol, at: i });
    i += symbol.length;
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

function numberLiteral(text: string, at: number): SpelLiteral {
  if (/^0[xX]/.test(text)) return Number.parseInt(text.replace(/[lL]$/, '').slice(2), 16);
  const suffix = /[lLfFdD]$/.exec(text)?.[0]?.toLowerCase();
  const digits = suffix === undefined ? text : text.slice(0, -1);
  const value = Number(digits);
  if (!Number.isFinite(value)) throw new SpelSyntaxError(`invalid number "${text}"`, at);
  const real = suffix === 'f' || suffix === 'd' || /[.eE]/.test(digits);
  if (real) return { double: value };
  if (!Number.isSafeInteger(value)) throw new SpelSyntaxError(`the number ${text} is too large`, at);
  return value;
}

/** Parses one bare SpEL expression (no `${}`); throws SpelSyntaxError. */
export function parseSpel(source: string): SpelNode {
  return new Parser(tokenize(source)).parseAll();
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): SpelNode {
    const node = this.expression();
    const next = this.peek();
    if (next.type !== 'end') throw new SpelSyntaxError(`unexpected ${describe(next)}`, next.at);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    this.position += 1;
    return token;
  }

  /** The operator a token stands for: a symbol, or a word operator like `and`, `eq`. */
  private operator(token: Token = this.peek()): string | undefined {
    if (token.type === 'symbol') return token.value;
    if (token.type === 'name') return WORD_OPERATORS[token.value.toLowerCase()] ?? (token.value.toLowerCase() === 'matches' ? 'matches' : undefined);
    return undefined;
  }

  private accept(operator: string): boolean {
    if (this.operator() !== operator) return false;
    this.position += 1;
    return true;
  }

  private expect(symbol: string): void {
    const token = this.peek();
    if (token.type !== 'symbol' || token.value !== symbol) throw new SpelSyntaxError(`expected "${symbol}", found ${describe(token)}`, token.at);
    this.position += 1;
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw new SpelSyntaxError(`expression nested deeper than ${MAX_DEPTH} levels`, this.peek().at);
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private expression(): SpelNode {
    return this.nested(() => {
      const node = this.ternary();
      const token = this.peek();
      if (token.type === 'symbol' && token.value === '=') throw new SpelSyntaxError('assignment is not allowed in pipeline expressions', token.at);
      return node;
    });
  }

  private ternary(): SpelNode {
    const condition = this.or();
    if (this.accept('?:')) return { kind: 'elvis', value: condition, fallback: this.expression() };
    if (this.accept('?')) {
      const then = this.expression();
      this.expect(':');
      return { kind: 'ternary', condition, then, otherwise: this.expression() };
    }
    return condition;
  }

  private or(): SpelNode {
    let left = this.and();
    while (this.accept('||')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): SpelNode {
    let left = this.relational();
    while (this.accept('&&')) left = { kind: 'and', left, right: this.relational() };
    return left;
  }

  private relational(): SpelNode {
    const left = this.sum();
    const operator = this.operator();
    if (operator === '==' || operator === '!=' || operator === '<' || operator === '<=' || operator === '>' || operator === '>=' || operator === 'matches') {
      this.position += 1;
      return { kind: 'binary', operator, left, right: this.sum() };
    }
    const token = this.peek();
    if (token.type === 'name' && /^(instanceof|between)$/i.test(token.value)) {
      throw new SpelSyntaxError(`the "${token.value}" operator is not supported in pipeline expressions`, token.at);
    }
    return left;
  }

  private sum(): SpelNode {
    let left = this.product();
    for (;;) {
      const operator = this.operator();
      if (operator !== '+' && operator !== '-') return left;
      this.position += 1;
      left = { kind: 'binary', operator, left, right: this.product() };
    }
  }

  private product(): SpelNode {
    let left = this.power();
    for (;;) {
      const operator = this.operator();
      if (operator !== '*' && operator !== '/' && operator !== '%') return left;
      this.position += 1;
      left = { kind: 'binary', operator, left, right: this.power() };
    }
  }

  private power(): SpelNode {
    const left = this.unary();
    if (this.accept('^')) return { kind: 'binary', operator: '^', left, right: this.unary() };
    return left;
  }

  private unary(): SpelNode {
    return this.nested(() => {
      const token = this.peek();
      const operator = this.operator();
      if (operator === '++' || operator === '--') throw new SpelSyntaxError(`"${operator}" changes a value, which pipeline expressions cannot`, token.at);
      if (operator === '!' || operator === '-' || operator === '+') {
        this.position += 1;
        return { kind: 'unary', operator, operand: this.unary() };
      }
      return this.postfix(this.primary());
    });
  }

  private postfix(start: SpelNode): SpelNode {
    let node = start;
    for (;;) {
      const token = this.peek();
      if (token.type !== 'symbol') return node;
      switch (token.value) {
        case '.':
        case '?.': {
          this.position += 1;
          node = this.member(node, token.value === '?.');
          break;
        }
        case '[':
          this.position += 1;
          node = { kind: 'index', target: node, index: this.expression() };
          this.expect(']');
          break;
        case '.?[':
        case '.^[':
        case '.$[':
          this.position += 1;
          node = { kind: 'select', target: node, which: token.value === '.?[' ? 'all' : token.value === '.^[' ? 'first' : 'last', condition: this.expression(), safe: false };
          this.expect(']');
          break;
        case '.![':
          this.position += 1;
          node = { kind: 'project', target: node, expression: this.expression(), safe: false };
          this.expect(']');
          break;
        case '++':
        case '--':
          throw new SpelSyntaxError(`"${token.value}" changes a value, which pipeline expressions cannot`, token.at);
        default:
          return node;
      }
    }
  }

  /** After `.` or `?.`: a property, a method call, or (after `?.`) a selection or projection. */
  private member(target: SpelNode, safe: boolean): SpelNode {
    const token = this.next();
    if (safe && token.type === 'symbol' && (token.value === '?' || token.value === '!' || token.value === '^' || token.value === '$')) {
      // `a?.?[…]`: the tokenizer saw `?.` then the selection's own symbol.
      this.expect('[');
      const inner = this.expression();
      this.expect(']');
      if (token.value === '!') return { kind: 'project', target, expression: inner, safe: true };
      return { kind: 'select', target, which: token.value === '?' ? 'all' : token.value === '^' ? 'first' : 'last', condition: inner, safe: true };
    }
    if (token.type !== 'name') throw new SpelSyntaxError(`expected a property or method name, found ${describe(token)}`, token.at);
    if (this.accept('(')) return { kind: 'method', target, name: token.value, args: this.arguments(), safe };
    return { kind: 'property', target, name: token.value, safe };
  }

  /** The arguments after an already consumed `(`, through the closing `)`. */
  private arguments(): SpelNode[] {
    const args: SpelNode[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): SpelNode {
    const token = this.next();
    switch (token.type) {
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'string':
        return { kind: 'literal', value: token.value };
      case 'name':
        return this.named(token);
      case 'end':
        throw new SpelSyntaxError('unexpected end of expression', token.at);
      case 'symbol':
        return this.symbolic(token);
    }
  }

  private named(token: Token & { type: 'name' }): SpelNode {
    const word = token.value.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
    if (word === 'null') return { kind: 'literal', value: null };
    if (token.value === 'T' && this.operator() === '(') {
      this.position += 1;
      const className = this.qualifiedName();
      this.expect(')');
      return { kind: 'type', className };
    }
    if (word === 'new') {
      const className = this.qualifiedName();
      const open = this.peek();
      if (open.type === 'symbol' && open.value === '[') throw new SpelSyntaxError('array construction is not supported in pipeline expressions', open.at);
      this.expect('(');
      return { kind: 'new', className, args: this.arguments() };
    }
    if (WORD_OPERATORS[word] !== undefined || word === 'matches') throw new SpelSyntaxError(`unexpected operator "${token.value}"`, token.at);
    if (this.operator() === '(') throw new SpelSyntaxError(`"${token.value}(…)" calls a method on the root object, which pipeline expressions cannot; helper functions are written #${token.value}(…)`, token.at);
    return { kind: 'name', name: token.value };
  }

  private qualifiedName(): string {
    const parts: string[] = [];
    do {
      const part = this.next();
      if (part.type !== 'name') throw new SpelSyntaxError(`expected a class name, found ${describe(part)}`, part.at);
      parts.push(part.value);
    } while (this.accept('.'));
    return parts.join('.');
  }

  private symbolic(token: Token & { type: 'symbol' }): SpelNode {
    switch (token.value) {
      case '(': {
        const inner = this.expression();
        this.expect(')');
        return inner;
      }
      case '#': {
        const name = this.next();
        if (name.type !== 'name') throw new SpelSyntaxError(`expected a name after "#", found ${describe(name)}`, name.at);
        if (this.accept('(')) return { kind: 'function', name: name.value, args: this.arguments() };
        return { kind: 'variable', name: name.value };
      }
      case '{':
        return this.inline();
      case '@':
      case '&':
        throw new SpelSyntaxError('bean references are not allowed in pipeline expressions', token.at);
      default:
        throw new SpelSyntaxError(`unexpected ${describe(token)}`, token.at);
    }
  }

  /** After `{`: an inline list `{1,2}`, an inline map `{a:1}` (keys are names or literals), or `{}`, `{:}`. */
  private inline(): SpelNode {
    if (this.accept('}')) return { kind: 'list', items: [] };
    if (this.operator() === ':' && this.operator(this.peek(1)) === '}') {
      this.position += 2;
      return { kind: 'map', entries: [] };
    }
    const first = this.expression();
    if (this.accept(':')) {
      const entries = [{ key: mapKey(first), value: this.expression() }];
      while (this.accept(',')) {
        const key = mapKey(this.expression());
        this.expect(':');
        entries.push({ key, value: this.expression() });
      }
      this.expect('}');
      return { kind: 'map', entries };
    }
    const items = [first];
    while (this.accept(',')) items.push(this.expression());
    this.expect('}');
    return { kind: 'list', items };
  }
}

/** A map literal's key: a bare name is the key's text (`{a: 1}`), as in SpEL. */
function mapKey(node: SpelNode): SpelNode {
  return node.kind === 'name' ? { kind: 'literal', value: node.name } : node;
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the expression';
  if (token.type === 'string') return `the string '${token.value}'`;
  if (token.type === 'number') return 'a number';
  return `"${token.value}"`;
}
