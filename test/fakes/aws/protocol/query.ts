/**
 * Reading a form-encoded Query request (`Action=…&Version=…&A.member.1=x&B.Key=y`). Parameter
 * names are split on dots into a tree; lists are the numbered children of a node, under
 * `member` for Auto Scaling and ELBv2 (`Names.member.1`) and directly for EC2 (`ImageId.1`).
 */
import { AwsError } from './errors';

interface QueryNode {
  value?: string;
  children: Map<string, QueryNode>;
}

/** How a missing or malformed parameter is reported: the services disagree on the code. */
export interface ParameterErrors {
  missing(name: string): AwsError;
  invalid(name: string, value: string, expected: string): AwsError;
}

export const QUERY_PARAMETER_ERRORS: ParameterErrors = {
  missing: (name) => new AwsError('ValidationError', `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`),
  invalid: (name, value, expected) => new AwsError('ValidationError', `Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: ${expected}`),
};

export const EC2_PARAMETER_ERRORS: ParameterErrors = {
  missing: (name) => new AwsError('MissingParameter', `The request must contain the parameter ${name}`),
  invalid: (name, value, expected) => new AwsError('InvalidParameterValue', `Value (${value}) for parameter ${name} is invalid. ${expected}`),
};

function lowerFirst(name: string): string {
  const last = name.split('.').pop() ?? name;
  return last.charAt(0).toLowerCase() + last.slice(1);
}

function emptyNode(): QueryNode {
  return { children: new Map() };
}

/** A view of one node of the parameter tree, with typed getters that name the parameter in errors. */
export class QueryParams {
  private constructor(
    private readonly node: QueryNode,
    private readonly path: string,
    private readonly errors: ParameterErrors,
  ) {}

  static parse(body: string, errors: ParameterErrors): QueryParams {
    const root = emptyNode();
    for (const [name, value] of new URLSearchParams(body)) {
      let node = root;
      for (const part of name.split('.')) {
        let child = node.children.get(part);
        if (!child) {
          child = emptyNode();
          node.children.set(part, child);
        }
        node = child;
      }
      node.value = value;
    }
    return new QueryParams(root, '', errors);
  }

  private qualified(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  has(name: string): boolean {
    return this.node.children.has(name);
  }

  /** The names present on this node, to reject parameters the fake does not model. */
  names(): string[] {
    return [...this.node.children.keys()];
  }

  child(name: string): QueryParams | undefined {
    const node = this.node.children.get(name);
    return node ? new QueryParams(node, this.qualified(name), this.errors) : undefined;
  }

  string(name: string): string | undefined {
    return this.node.children.get(name)?.value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw this.errors.missing(this.qualified(name));
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed)) throw this.errors.invalid(this.qualified(name), value, 'Member must be an integer');
    return parsed;
  }

  /** A page size or count within the bounds the service documents for it. */
  integerBetween(name: string, min: number, max: number): number | undefined {
    const value = this.integer(name);
    if (value !== undefined && (value < min || value > max)) {
      throw this.errors.invalid(this.qualified(name), String(value), `Member must have value between ${min} and ${max}`);
    }
    return value;
  }

  requiredInteger(name: string): number {
    const value = this.integer(name);
    if (value === undefined) throw this.errors.missing(this.qualified(name));
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw this.errors.invalid(this.qualified(name), value, 'Member must be true or false');
    return value === 'true';
  }

  requiredBoolean(name: string): boolean {
    const value = this.boolean(name);
    if (value === undefined) throw this.errors.missing(this.qualified(name));
    return value;
  }

  /** The numbered elements of a list parameter, in order; an empty list when absent. */
  list(name: string): QueryParams[] {
    const node = this.node.children.get(name);
    if (!node) return [];
    const members = node.children.get('member') ?? node;
    const prefix = members === node ? this.qualified(name) : `${this.qualified(name)}.member`;
    return [...members.children.entries()]
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([index, element]) => new QueryParams(element, `${prefix}.${index}`, this.errors));
  }

  strings(name: string): string[] {
    return this.list(name).map((element) => element.node.value ?? '');
  }

  /** The value of this node itself (a list element that is a plain string). */
  value(): string | undefined {
    return this.node.value;
  }

  /** The full parameter name of `name` under this node, for error messages. */
  nameOf(name: string): string {
    return this.qualified(name);
  }
}
