// Line numbers of keys and list items, so config errors can point at
// file:line. js-yaml does not expose node positions, so YAML is scanned by
// indentation: exact for block-style mappings and lists (the usual config
// style); values inside flow collections ({a: 1}) get the line of the key
// that holds them. Paths are checked against the parsed data by the caller,
// so a misread line is dropped rather than reported.
import { formatPath, type Segment } from './sources';

interface Frame {
  col: number;
  path: Segment[];
  item: boolean;
  nextIndex: number;
}

const QUOTED_DOUBLE = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s|$)/;
const QUOTED_SINGLE = /^'((?:[^']|'')*)'\s*:(?:\s|$)/;
const PLAIN_KEY = /^([^\s#'"[\]{},&*!|>%@`?:-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)/;

function readKey(text: string): { key: string; rest: string } | undefined {
  let m = QUOTED_DOUBLE.exec(text);
  if (m) return { key: JSON.parse(`"${m[1]}"`) as string, rest: text.slice(m[0].length) };
  m = QUOTED_SINGLE.exec(text);
  if (m) return { key: m[1].replace(/''/g, "'"), rest: text.slice(m[0].length) };
  m = PLAIN_KEY.exec(text);
  if (m) return { key: m[1], rest: text.slice(m[0].length) };
  return undefined;
}

/** Net count of opening minus closing brackets, ignoring quoted text and comments. */
function bracketBalance(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

export function yamlKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Frame[] = [{ col: -1, path: [], item: false, nextIndex: 0 }];
  const top = () => stack[stack.length - 1];
  let flowDepth = 0;
  let blockScalarCol: number | null = null;

  const source = text.split(/\r?\n/);
  for (let i = 0; i < source.length; i++) {
    const raw = source[i];
    if (flowDepth > 0) {
      flowDepth += bracketBalance(raw);
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    let rest = raw.slice(indent);
    if (blockScalarCol !== null) {
      if (rest === '' || indent > blockScalarCol) continue;
      blockScalarCol = null;
    }
    if (rest === '' || rest.startsWith('#') || rest.startsWith('%')) continue;
    if (indent === 0 && (rest.startsWith('---') || rest.startsWith('...'))) continue;

    let col = indent;
    // "- " opens a list item; several may share a line ("- - x").
    while (rest === '-' || rest.startsWith('- ')) {
      while (top().col > col || (top().item && top().col >= col)) stack.pop();
      const parent = top();
      const itemPath = [...parent.path, parent.nextIndex++];
      lines.set(formatPath(itemPath), i + 1);
      stack.push({ col, path: itemPath, item: true, nextIndex: 0 });
      const after = rest.slice(1);
      const spaces = after.length - after.trimStart().length;
      col += 1 + spaces;
      rest = after.slice(spaces);
    }
    if (rest === '' || rest.startsWith('#')) continue;

    const key = readKey(rest);
    let value = rest;
    if (key) {
      while (top().col >= col) stack.pop();
      const keyPath = [...top().path, key.key];
      lines.set(formatPath(keyPath), i + 1);
      stack.push({ col, path: keyPath, item: false, nextIndex: 0 });
      value = key.rest.trim();
    }
    if (value.startsWith('|') || value.startsWith('>')) blockScalarCol = key ? col : Math.max(col - 2, 0);
    else if (value.startsWith('[') || value.startsWith('{')) flowDepth = Math.max(0, bracketBalance(value));
  }
  return lines;
}

/** Line of every key and array item of a (valid) JSON text. */
export function jsonKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos])) {
      if (text[pos] === '\n') line++;
      pos++;
    }
  };
  const readString = (): string => {
    const start = pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const readValue = (at: Segment[]): void => {
    skip();
    const c = text[pos];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      pos++;
      skip();
      let index = 0;
      while (pos < text.length && text[pos] !== close) {
        let child: Segment[];
        if (c === '{') {
          const keyLine = line;
          child = [...at, readString()];
          lines.set(formatPath(child), keyLine);
          skip();
          pos++; // ':'
        } else {
          skip();
          child = [...at, index++];
          lines.set(formatPath(child), line);
        }
        readValue(child);
        skip();
        if (text[pos] === ',') pos++;
        skip();
      }
      pos++;
    } else if (c === '"') {
      readString();
    } else {
      while (pos < text.length && !/[\s,\]}]/.test(text[pos])) pos++;
    }
  };
  readValue([]);
  return lines;
}
