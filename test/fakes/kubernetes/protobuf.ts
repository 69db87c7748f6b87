/**
 * Decoding of Kubernetes' protobuf request bodies. kubectl's typed commands (`kubectl create
 * deployment|service|namespace`) send `application/vnd.kubernetes.protobuf` and do not fall back
 * to JSON on a 415, so the fake reads that format for the kinds those commands create. The
 * envelope is `k8s\0` + runtime.Unknown{typeMeta, raw}; `raw` is the object message, read with
 * the field numbers of the upstream generated.proto files (schemas in protobufSchema.ts).
 */
import type { Json, JsonObject } from './json';
import { PROTO_KINDS, type ProtoField, type ProtoMessage } from './protobufSchema';
import { badRequest } from './status';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface WireField {
  number: number;
  wireType: number;
  varint: bigint;
  bytes: Buffer;
}

class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  done(): boolean {
    return this.offset >= this.buffer.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buffer[this.offset++];
      if (byte === undefined) throw badRequest('protobuf: truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  take(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw badRequest('protobuf: truncated field');
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  field(): WireField {
    const key = this.varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    switch (wireType) {
      case 0: return { number, wireType, varint: this.varint(), bytes: Buffer.alloc(0) };
      case 1: return { number, wireType, varint: 0n, bytes: this.take(8) };
      case 2: return { number, wireType, varint: 0n, bytes: this.take(Number(this.varint())) };
      case 5: return { number, wireType, varint: 0n, bytes: this.take(4) };
      default: throw badRequest(`protobuf: unsupported wire type ${wireType}`);
    }
  }
}

function fields(buffer: Buffer): WireField[] {
  const reader = new Reader(buffer);
  const result: WireField[] = [];
  while (!reader.done()) result.push(reader.field());
  return result;
}

function decodeMapEntry(bytes: Buffer): [string, string] {
  let key = '';
  let value = '';
  for (const f of fields(bytes)) {
    if (f.number === 1) key = f.bytes.toString('utf8');
    if (f.number === 2) value = f.bytes.toString('utf8');
  }
  return [key, value];
}

function decodeValue(field: ProtoField, wire: WireField): Json | undefined {
  switch (field.type) {
    case 'string': {
      const text = wire.bytes.toString('utf8');
      // gogo-protobuf writes non-pointer fields even when empty: empty means "not set".
      return text === '' && !field.keepZero ? undefined : text;
    }
    case 'int': {
      const value = Number(BigInt.asIntN(64, wire.varint));
      return value === 0 && !field.keepZero ? undefined : value;
    }
    case 'bool':
      return wire.varint !== 0n ? true : field.keepZero ? false : undefined;
    case 'intOrString': {
      const parts = fields(wire.bytes);
      const isString = parts.some((p) => p.number === 1 && p.varint === 1n);
      const strVal = parts.find((p) => p.number === 3)?.bytes.toString('utf8') ?? '';
      const intVal = parts.find((p) => p.number === 2);
      return isString ? strVal : Number(BigInt.asIntN(32, intVal?.varint ?? 0n));
    }
    case 'time': {
      const parts = fields(wire.bytes);
      const seconds = Number(parts.find((p) => p.number === 1)?.varint ?? 0n);
      return seconds === 0 ? undefined : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'message': {
      const decoded = decodeMessage(field.message(), wire.bytes);
      return Object.keys(decoded).length === 0 && !field.keepZero ? undefined : decoded;
    }
    case 'map':
      return null; // handled by the caller, entry by entry
  }
}

export function decodeMessage(schema: ProtoMessage, buffer: Buffer): JsonObject {
  const result: JsonObject = {};
  for (const wire of fields(buffer)) {
    const field = schema[wire.number];
    if (!field) continue; // fields the fake does not model are dropped, as an old server would
    if (field.type === 'map') {
      const [key, value] = decodeMapEntry(wire.bytes);
      const map = result[field.name];
      result[field.name] = { ...(map !== null && typeof map === 'object' && !Array.isArray(map) ? map : {}), [key]: value };
      continue;
    }
    const value = field.repeated ? decodeValue({ ...field, keepZero: true }, wire) : decodeValue(field, wire);
    if (value === undefined) continue;
    if (field.repeated) {
      const list = result[field.name];
      result[field.name] = [...(Array.isArray(list) ? list : []), value];
    } else {
      result[field.name] = value;
    }
  }
  return result;
}

/** A protobuf request body as the JSON object it stands for (with apiVersion and kind). */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf: the body does not start with the Kubernetes magic number');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(MAGIC.length))) {
    if (f.number === 1) {
      for (const t of fields(f.bytes)) {
        if (t.number === 1) apiVersion = t.bytes.toString('utf8');
        if (t.number === 2) kind = t.bytes.toString('utf8');
      }
    }
    if (f.number === 2) raw = f.bytes;
  }
  const schema = PROTO_KINDS[kind];
  if (!schema) throw badRequest(`protobuf: the fake cannot decode kind "${kind}"; send JSON`);
  return { apiVersion, kind, ...decodeMessage(schema, raw) };
}
