// Reads torch.save archives: a zip of data.pkl (a pickle, protocol 2) plus one
// raw record per tensor storage. Only the pickle subset that torch.save emits
// for tensors, state dicts (OrderedDict with _metadata), optimizer states and
// plain containers is understood; anything else is a clear error.
import { native } from './native';
import { Tensor } from './tensor';
import type { DType } from './dtype';
import { corruptRecords } from './zip-integrity';

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

interface Global {
  kind: 'global';
  module: string;
  name: string;
}
interface Storage {
  kind: 'storage';
  tensor: Tensor;
}
const MARK = Symbol('mark');

function isGlobal(value: unknown): value is Global {
  return typeof value === 'object' && value !== null && (value as Global).kind === 'global';
}

export class UnpickleError extends Error {}

/** Decodes a torch.save archive into JS values (dicts as objects, or Maps for non-string keys). */
export function loadTorchArchive(data: Buffer, source = 'checkpoint'): unknown {
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) {
    throw new UnpickleError(
      `${source} is not a torch.save zip archive (legacy pre-1.6 format, or not a PyTorch file); re-save it with torch.save() from PyTorch >= 1.6`,
    );
  }
  let records: [string, Buffer][];
  try {
    records = native.readArchive(data);
  } catch (error) {
    throw new UnpickleError(`${source} is truncated or corrupt: ${(error as Error).message.split('\n')[0]}`);
  }
  const corrupt = corruptRecords(data, records);
  if (corrupt.length > 0) {
    throw new UnpickleError(`${source} is corrupt: CRC-32 mismatch in ${corrupt.slice(0, 5).join(', ')}${corrupt.length > 5 ? ', …' : ''}`);
  }
  const byName = new Map(records);
  const pickleName = records.map(([name]) => name).find((name) => name.endsWith('data.pkl'));
  if (!pickleName) throw new UnpickleError(`${source} has no data.pkl record`);
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const storages = new Map<string, Tensor>();
  const loadStorage = (key: string, dtype: DType): Tensor => {
    let base = storages.get(key);
    if (!base) {
      const bytes = byName.get(`${prefix}data/${key}`);
      if (!bytes) throw new UnpickleError(`${source} is missing tensor storage record data/${key}`);
      base = new Tensor(native.fromBytes(bytes, dtype));
      storages.set(key, base);
    }
    return base;
  };
  try {
    return finalize(new Unpickler(byName.get(pickleName) as Buffer, source, loadStorage).run(), new Map());
  } finally {
    for (const base of storages.values()) base.dispose(); // views keep the storage alive
  }
}

/** Maps with only string keys become plain objects, recursively. */
function finalize(value: unknown, cache: Map<unknown, unknown>): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Tensor) return value;
  if (cache.has(value)) return cache.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    cache.set(value, out);
    for (const item of value) out.push(finalize(item, cache));
    return out;
  }
  if (value instanceof Map) {
    const stringKeys = [...value.keys()].every((k) => typeof k === 'string');
    if (stringKeys) {
      const out: Record<string, unknown> = {};
      cache.set(value, out);
      for (const [k, v] of value) out[k as string] = finalize(v, cache);
      return out;
    }
    const out = new Map();
    cache.set(value, out);
    for (const [k, v] of value) out.set(k, finalize(v, cache));
    return out;
  }
  if (Buffer.isBuffer(value)) return value;
  if (isGlobal(value)) return `${value.module}.${value.name}`;
  return value;
}

class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(
    private readonly data: Buffer,
    private readonly source: string,
    private readonly loadStorage: (key: string, dtype: DType) => Tensor,
  ) {}

  private fail(message: string): never {
    throw new UnpickleError(`${this.source}: ${message} (pickle offset ${this.pos})`);
  }
  private byte(): number {
    if (this.pos >= this.data.length) this.fail('unexpected end of data');
    return this.data[this.pos++] as number;
  }
  private bytes(n: number): Buffer {
    if (this.pos + n > this.data.length) this.fail('unexpected end of data');
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('unterminated line');
    const out = this.data.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return out;
  }
  private pop(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack.pop();
  }
  private popMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('MARK expected');
    const items = this.stack.slice(mark);
    this.stack.length = mark;
    return items;
  }
  private top(): unknown {
    return this.stack[this.stack.length - 1];
  }

  run(): unknown {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x80: this.byte(); break; // PROTO
        case 0x95: this.bytes(8); break; // FRAME
        case 0x2e: return this.pop(); // STOP
        case 0x28: this.marks.push(this.stack.length); break; // MARK
        case 0x29: this.stack.push([]); break; // EMPTY_TUPLE
        case 0x5d: this.stack.push([]); break; // EMPTY_LIST
        case 0x7d: this.stack.push(new Map()); break; // EMPTY_DICT
        case 0x4e: this.stack.push(null); break; // NONE
        case 0x88: this.stack.push(true); break;
        case 0x89: this.stack.push(false); break;
        case 0x4a: this.stack.push(this.bytes(4).readInt32LE(0)); break; // BININT
        case 0x4b: this.stack.push(this.byte()); break; // BININT1
        case 0x4d: this.stack.push(this.bytes(2).readUInt16LE(0)); break; // BININT2
        case 0x8a: this.stack.push(this.long(this.byte())); break; // LONG1
        case 0x8b: this.stack.push(this.long(this.bytes(4).readUInt32LE(0))); break; // LONG4
        case 0x47: this.stack.push(this.bytes(8).readDoubleBE(0)); break; // BINFLOAT
        case 0x58: this.stack.push(this.bytes(this.bytes(4).readUInt32LE(0)).toString('utf8')); break; // BINUNICODE
        case 0x8c: this.stack.push(this.bytes(this.byte()).toString('utf8')); break; // SHORT_BINUNICODE
        case 0x8d: this.stack.push(this.bytes(Number(this.bytes(8).readBigUInt64LE(0))).toString('utf8')); break;
        case 0x54: this.stack.push(this.bytes(this.bytes(4).readUInt32LE(0)).toString('latin1')); break; // BINSTRING
        case 0x55: this.stack.push(this.bytes(this.byte()).toString('latin1')); break; // SHORT_BINSTRING
        case 0x42: this.stack.push(Buffer.from(this.bytes(this.bytes(4).readUInt32LE(0)))); break; // BINBYTES
        case 0x43: this.stack.push(Buffer.from(this.bytes(this.byte()))); break; // SHORT_BINBYTES
        case 0x71: this.memo.set(this.byte(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.bytes(4).readUInt32LE(0), this.top()); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.stack.push(this.get(this.byte())); break; // BINGET
        case 0x6a: this.stack.push(this.get(this.bytes(4).readUInt32LE(0))); break; // LONG_BINGET
        case 0x63: { // GLOBAL
          const module = this.line();
          this.stack.push(this.global(module, this.line()));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop() as string;
          this.stack.push(this.global(this.pop() as string, name));
          break;
        }
        case 0x74: this.stack.push(this.popMark()); break; // TUPLE
        case 0x85: this.stack.push([this.pop()]); break; // TUPLE1
        case 0x86: { const b = this.pop(); this.stack.push([this.pop(), b]); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); this.stack.push([this.pop(), b, c]); break; } // TUPLE3
        case 0x6c: this.stack.push(this.popMark()); break; // LIST
        case 0x64: this.stack.push(this.pairsToMap(this.popMark())); break; // DICT
        case 0x61: { const v = this.pop(); (this.top() as unknown[]).push(v); break; } // APPEND
        case 0x65: { const items = this.popMark(); (this.top() as unknown[]).push(...items); break; } // APPENDS
        case 0x73: { const v = this.pop(); const k = this.pop(); this.setItem(this.top(), k, v); break; } // SETITEM
        case 0x75: { // SETITEMS
          const items = this.popMark();
          const target = this.top();
          for (let i = 0; i < items.length; i += 2) this.setItem(target, items[i], items[i + 1]);
          break;
        }
        case 0x52: case 0x81: { // REDUCE, NEWOBJ
          const args = this.pop() as unknown[];
          this.stack.push(this.call(this.pop(), args));
          break;
        }
        case 0x62: this.pop(); break; // BUILD: state of OrderedDict (_metadata) or tensors is not needed
        case 0x51: this.stack.push(this.persistentLoad(this.pop())); break; // BINPERSID
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.stack.push(this.top()); break; // DUP
        default:
          this.fail(`unsupported pickle opcode 0x${op.toString(16)}`);
      }
    }
  }

  private get(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} is missing`);
    return this.memo.get(index);
  }

  private long(n: number): number {
    const raw = this.bytes(n);
    if (n === 0) return 0;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i] as number);
    if ((raw[n - 1] as number) & 0x80) value -= 1n << BigInt(8 * n);
    return Number(value);
  }

  private pairsToMap(items: unknown[]): Map<unknown, unknown> {
    const map = new Map();
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    return map;
  }

  private setItem(target: unknown, key: unknown, value: unknown): void {
    if (!(target instanceof Map)) this.fail('SETITEM on something that is not a dict');
    target.set(key, value);
  }

  private global(module: string, name: string): Global {
    return { kind: 'global', module, name };
  }

  private call(fn: unknown, args: unknown[]): unknown {
    if (!isGlobal(fn)) this.fail('call of a non-global object');
    const qualified = `${fn.module}.${fn.name}`;
    switch (qualified) {
      case 'collections.OrderedDict':
      case 'builtins.dict':
        return this.pairsToMap((args[0] as unknown[][] | undefined)?.flat() ?? []);
      case 'torch._utils._rebuild_tensor_v2':
      case 'torch._utils._rebuild_tensor': {
        const [storage, offset, size, stride] = args as [Storage, number, number[], number[]];
        if (storage?.kind !== 'storage') this.fail('tensor without a storage');
        return new Tensor(native.asStrided(storage.tensor.handle, size, stride, offset));
      }
      case 'torch.jit._pickle.restore_type_tag': // libtorch's pickle_save tags typed containers
      case 'torch.jit._pickle.build_intlist':
      case 'torch.jit._pickle.build_floatlist':
      case 'torch.jit._pickle.build_boollist':
      case 'torch.jit._pickle.build_tensorlist':
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
        return args[0];
      case 'torch._tensor._rebuild_from_type_v2':
        return this.call(args[0], args[2] as unknown[]);
      case 'torch.device':
        return args.join(':');
      case '_codecs.encode':
        return Buffer.from(String(args[0]), 'latin1');
      default:
        return this.fail(`unsupported object ${qualified} (fastda reads tensors, state dicts and plain containers)`);
    }
  }

  private persistentLoad(pid: unknown): Storage {
    const [kind, storageType, key] = pid as [string, unknown, string];
    if (kind !== 'storage' || !isGlobal(storageType)) this.fail(`unsupported persistent id ${JSON.stringify(kind)}`);
    const dtype = STORAGE_DTYPES[storageType.name];
    if (!dtype) this.fail(`unsupported storage type ${storageType.module}.${storageType.name}`);
    return { kind: 'storage', tensor: this.loadStorage(String(key), dtype) };
  }
}
