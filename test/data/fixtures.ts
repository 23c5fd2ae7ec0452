// Shared helpers of the data tests: the real Office-31 photos from
// ../shared/data (extracted once per machine), a MAT-file writer, temp dirs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const sharedData = process.env.FASTDA_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');

export interface OfficeSubset {
  /** The extracted office/ folder the lists are relative to. */
  root: string;
  webcam: string;
  amazon: string;
  classes: string;
}

let office: OfficeSubset | null | undefined;

/** The Office-31 subset (real JPEGs), or null when ../shared/data is absent. */
export function officeSubset(): OfficeSubset | null {
  if (office !== undefined) return office;
  office = null;
  const dir = path.join(sharedData, 'office31_subset');
  const tar = path.join(dir, 'office31_subset_jpg.tar');
  if (!fs.existsSync(tar)) return null;
  const target = path.join(os.tmpdir(), `fastda-test-office31-${fs.statSync(tar).size}`);
  if (!fs.existsSync(path.join(target, 'office', '.complete'))) {
    // extract into a private folder, then rename: test files run in parallel
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-office31-'));
    const r = spawnSync('tar', ['xf', tar, '-C', staging]);
    if (r.status !== 0) return null;
    fs.writeFileSync(path.join(staging, 'office', '.complete'), '');
    try {
      fs.renameSync(staging, target);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another test file won the race
    }
  }
  office = {
    root: path.join(target, 'office'),
    webcam: path.join(dir, 'webcam.txt'),
    amazon: path.join(dir, 'amazon_subset.txt'),
    classes: path.join(dir, 'classes.txt'),
  };
  return office;
}

export const NO_OFFICE = 'the Office-31 subset is not in ../shared/data (set FASTDA_SHARED_DATA)';

export function tempDir(prefix = 'fastda-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---- MAT v5 writer (the layout MATLAB and scipy.io.savemat produce) ---------
const MI = { int8: 1, uint8: 2, int32: 5, uint32: 6, double: 9, matrix: 14, compressed: 15 } as const;

function element(type: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(type, 0);
  header.writeUInt32LE(data.length, 4);
  const pad = Buffer.alloc((8 - (data.length % 8)) % 8);
  return Buffer.concat([header, data, pad]);
}

export interface MatVariable {
  name: string;
  dims: number[];
  /** column-major values */
  data: Uint8Array | Float64Array;
}

function matrix(v: MatVariable): Buffer {
  const classId = v.data instanceof Uint8Array ? 9 : 6; // mxUINT8 / mxDOUBLE
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(classId, 0);
  const dims = Buffer.alloc(4 * v.dims.length);
  v.dims.forEach((d, i) => dims.writeInt32LE(d, 4 * i));
  const body = Buffer.concat([
    element(MI.uint32, flags),
    element(MI.int32, dims),
    element(MI.int8, Buffer.from(v.name, 'latin1')),
    element(v.data instanceof Uint8Array ? MI.uint8 : MI.double, Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength)),
  ]);
  return element(MI.matrix, body);
}

export function writeMat(file: string, variables: MatVariable[], options: { compressed?: boolean; header?: string } = {}): void {
  const header = Buffer.alloc(128, 0x20);
  header.write((options.header ?? 'MATLAB 5.0 MAT-file, written by fastda tests').padEnd(116, ' '), 0, 'latin1');
  header.fill(0, 116, 124);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const parts = variables.map((v) => {
    const m = matrix(v);
    if (!options.compressed) return m;
    const z = zlib.deflateSync(m);
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(MI.compressed, 0);
    tag.writeUInt32LE(z.length, 4);
    return Buffer.concat([tag, z]);
  });
  fs.writeFileSync(file, Buffer.concat([header, ...parts]));
}
