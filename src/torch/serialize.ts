// torch.save / torch.load compatible serialisation of JS value trees.
// Tensors, numbers, strings, booleans, null, arrays, plain objects (dicts with
// string keys) and Maps (number keys give Python int keys) round-trip.
import { native } from './native';
import { Tensor } from './tensor';
import { loadTorchArchive } from './unpickle';

function toNative(value: unknown, seen: Set<unknown>): unknown {
  if (value instanceof Tensor) return value.handle;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) throw new TypeError('cannot serialise a value that contains itself');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => toNative(v, seen));
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, toNative(v, seen)]));
    if (ArrayBuffer.isView(value)) throw new TypeError('typed arrays cannot be serialised directly; wrap them in a tensor');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toNative(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Serialises to the bytes torch.save would write (a zip archive with a pickle). */
export function saveToBuffer(value: unknown): Buffer {
  return native.pickleSave(toNative(value, new Set()));
}

/**
 * Reads bytes written by torch.save or saveToBuffer; tensors come back on the
 * CPU. `source` names the file in errors (truncated, corrupt, unsupported).
 */
export function loadFromBuffer(data: Buffer, source = 'checkpoint'): unknown {
  return loadTorchArchive(data, source);
}
