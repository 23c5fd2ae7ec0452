// A reader for MATLAB level-5 MAT files (the format of SVHN's
// train_32x32.mat / test_32x32.mat): numeric arrays, zlib-compressed or not.
import * as zlib from 'node:zlib';
import { DataError } from './errors';

export interface MatArray {
  name: string;
  /** MATLAB's dimensions (column-major). */
  dims: number[];
  /** mxCLASS id: 6 double, 7 single, 8 int8, 9 uint8, ... */
  classId: number;
  /** Elements in column-major order, in the stored element type. */
  data: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
}

const MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6, MI_SINGLE = 7, MI_DOUBLE = 9;
const MI_MATRIX = 14, MI_COMPRESSED = 15;

const ELEMENT_SIZE: Record<number, number> = {
  [MI_INT8]: 1, [MI_UINT8]: 1, [MI_INT16]: 2, [MI_UINT16]: 2, [MI_INT32]: 4, [MI_UINT32]: 4, [MI_SINGLE]: 4, [MI_DOUBLE]: 8,
};

interface Element {
  type: number;
  data: Buffer;
  /** Offset just past the element (with padding). */
  end: number;
}

function readElement(buf: Buffer, offset: number, file: string, top: boolean): Element {
  if (offset + 8 > buf.length) throw new DataError(`${file}: truncated MAT file (data element header at byte ${offset})`);
  const first = buf.readUInt32LE(offset);
  if (first >>> 16 !== 0) {
    // small data element: type and size in one word, data in the next 4 bytes
    const type = first & 0xffff;
    const size = first >>> 16;
    return { type, data: buf.subarray(offset + 4, offset + 4 + size), end: offset + 8 };
  }
  const size = buf.readUInt32LE(offset + 4);
  const start = offset + 8;
  if (start + size > buf.length) throw new DataError(`${file}: truncated MAT file (element of ${size} bytes at byte ${offset})`);
  // compressed top-level elements are not padded; everything else is to 8 bytes
  const padded = first === MI_COMPRESSED && top ? size : Math.ceil(size / 8) * 8;
  return { type: first, data: buf.subarray(start, start + size), end: start + padded };
}

function typedFrom(type: number, bytes: Buffer, file: string): MatArray['data'] {
  const size = ELEMENT_SIZE[type];
  if (size === undefined) throw new DataError(`${file}: unsupported MAT element type ${type}`);
  // A view of the file's bytes when they are aligned for the type; a copy only otherwise
  // (SVHN's X is hundreds of MB of uint8).
  const aligned = bytes.byteOffset % size === 0 ? bytes : Uint8Array.from(bytes);
  const b = aligned.buffer;
  const o = aligned.byteOffset;
  const n = Math.floor(bytes.length / size);
  switch (type) {
    case MI_INT8: return new Int8Array(b, o, n);
    case MI_UINT8: return new Uint8Array(b, o, n);
    case MI_INT16: return new Int16Array(b, o, n);
    case MI_UINT16: return new Uint16Array(b, o, n);
    case MI_INT32: return new Int32Array(b, o, n);
    case MI_UINT32: return new Uint32Array(b, o, n);
    case MI_SINGLE: return new Float32Array(b, o, n);
    default: return new Float64Array(b, o, n);
  }
}

function parseMatrix(body: Buffer, file: string): MatArray {
  const flags = readElement(body, 0, file, false);
  const classId = flags.data.readUInt32LE(0) & 0xff;
  const complex = (flags.data.readUInt32LE(0) & 0x0800) !== 0;
  const dimsEl = readElement(body, flags.end, file, false);
  const dims = Array.from(typedFrom(dimsEl.type, dimsEl.data, file), Number);
  const nameEl = readElement(body, dimsEl.end, file, false);
  const name = nameEl.data.toString('latin1');
  if (classId < 6 || classId > 15) {
    // cell arrays, structs, objects, chars, sparse: not needed for image data sets
    return { name, dims, classId, data: new Uint8Array(0) };
  }
  if (complex) throw new DataError(`${file}: variable '${name}' is complex; only real arrays are supported`);
  const real = readElement(body, nameEl.end, file, false);
  return { name, dims, classId, data: typedFrom(real.type, real.data, file) };
}

/** Reads every numeric variable of a level-5 MAT file. */
export function readMat(buf: Buffer, file: string): Map<string, MatArray> {
  if (buf.length < 128) throw new DataError(`${file}: not a MAT file (shorter than the 128-byte header)`);
  const text = buf.subarray(0, 116).toString('latin1');
  if (text.startsWith('MATLAB 7.3')) {
    throw new DataError(`${file}: MAT v7.3 (HDF5) files are not supported; save with '-v7' or '-v6', or use the official SVHN files`);
  }
  if (!text.startsWith('MATLAB 5.0')) throw new DataError(`${file}: not a MATLAB 5 MAT file (header: '${text.slice(0, 40).trim()}')`);
  const endian = buf.subarray(126, 128).toString('latin1');
  if (endian !== 'IM') throw new DataError(`${file}: big-endian MAT files are not supported`);
  const out = new Map<string, MatArray>();
  let offset = 128;
  while (offset + 8 <= buf.length) {
    const el = readElement(buf, offset, file, true);
    offset = el.end;
    let matrix: Element = el;
    if (el.type === MI_COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = zlib.inflateSync(el.data);
      } catch (error) {
        throw new DataError(`${file}: corrupt compressed MAT element: ${(error as Error).message}`);
      }
      matrix = readElement(inflated, 0, file, false);
    }
    if (matrix.type !== MI_MATRIX) continue;
    const array = parseMatrix(matrix.data, file);
    out.set(array.name, array);
  }
  return out;
}
