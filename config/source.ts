/**
 * Reads one YAML config file defensively and keeps source positions, so every later problem can
 * point at `FILE:LINE:COL`. Hostile input (binary, huge, alias bombs, deep nesting, several
 * documents) becomes a problem, never a hang or a crash.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments as parseAll, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem } from './problems.ts';
import { memoOf, PARSE_OPTIONS, reparse, type SourceMemo } from './source-memo.ts';

/** Larger than any sane fleet file; keeps a mistaken path to a big file from eating memory. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Aliases allowed when expanding the document (defeats "billion laughs"). */
export const MAX_ALIASES = 100;
/** Deepest nesting we accept; real config is < 10 levels. */
export const MAX_DEPTH = 32;
/** Syntax errors listed before the rest are summarized (the first ones usually explain the others). */
const MAX_YAML_ERRORS = 20;

export interface YamlSource {
  readonly file: string;
  /** Plain JS value of the document. */
  readonly data: unknown;
  /** Position of the node at `path`, or of its nearest existing ancestor. With `key`, of the key itself. */
  locate(path: readonly PropertyKey[], key?: boolean): { line: number; col: number };
  /** What the next parse of this file can start from (source-memo.ts); none unless asked for, or when the document cannot have one. */
  readonly memo?: SourceMemo;
}

/** Memos of earlier parses (source-memo.ts), by the file's real path. */
export type SourceMemos = Map<string, SourceMemo>;

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; problems: Problem[] };

/** Options of `readYamlFile`. */
export interface ReadOptions {
  /**
   * Folders the file must be inside, symbolic links resolved (an app definition must live under
   * the fleet file's folder, so a config can never make the loader read `/etc/shadow`).
   * @default - anywhere
   */
  readonly within?: readonly string[];
  /**
   * Memos of earlier parses, read and updated: the file is parsed from its memo when the edit
   * since allows it (source-memo.ts; the same data as a full parse), and its new memo is stored.
   * @default - parsed in full, no memo kept
   */
  readonly memos?: SourceMemos;
}

export function readYamlFile(file: string, displayName = file, options: ReadOptions = {}): ReadResult {
  const fail = (message: string, line = 1, col = 1): ReadResult => ({ ok: false, problems: [{ file: displayName, line, col, path: '', message }] });
  let bytes: Buffer;
  let fd: number | undefined;
  let real: string;
  try {
    real = realpathSync(file);
    if (options.within !== undefined) {
      // A folder that does not exist holds nothing: it must not make the file itself look missing.
      const folders = options.within.filter((f) => existsSync(f)).map((f) => realpathSync(f));
      if (!folders.some((f) => real.startsWith(f.endsWith(sep) ? f : `${f}${sep}`))) return fail(`outside the allowed folders (got ${real}, expected a file under ${folders.join(' or ')})`);
    }
    // Non-blocking open, then fstat on what was opened: a FIFO or a device must never hang the
    // loader, and the check applies to the very file that is read.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return fail(`not a file (got ${stat.isDirectory() ? 'a directory' : 'something else'}, expected a YAML file)`);
    if (stat.size > MAX_FILE_BYTES) return fail(`file too large (got ${stat.size} bytes, expected at most ${MAX_FILE_BYTES})`);
    bytes = readFileSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'cannot read file (got no such file, expected a YAML file)' : `cannot read file (got ${code ?? String(err)}, expected a readable YAML file)`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const memos = options.memos;
  if (!memos) return parseYamlText(bytes, displayName);
  const read = parseYamlText(bytes, displayName, { memo: memos.get(real) ?? null });
  if (read.ok && read.source.memo) memos.set(real, read.source.memo);
  else memos.delete(real);
  return read;
}

/** Options of `parseYamlText`. */
export interface ParseOptions {
  /**
   * The memo of an earlier version of the file to start from, or null for none; either way the
   * source comes back with its memo (`YamlSource.memo`) for the next parse.
   * @default - no memo used or made
   */
  readonly memo?: SourceMemo | null;
}

export function parseYamlText(bytes: Uint8Array, file: string, options: ParseOptions = {}): ReadResult {
  const fail = (message: string, line = 1, col = 1): ReadResult => ({ ok: false, problems: [{ file, line, col, path: '', message }] });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not a text file (got invalid UTF-8, expected UTF-8 YAML)');
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return fail('not a text file (got a NUL byte, expected UTF-8 YAML)');
  if (flowDepth(text) > MAX_DEPTH) return fail(`nesting too deep (got more than ${MAX_DEPTH} levels, expected a plain config file)`);
  const compact = COMPACT_NESTING.exec(text);
  if (compact) {
    const line = text.slice(0, compact.index).split('\n').length;
    return fail(`nesting too deep (got more than ${MAX_DEPTH} levels, expected a plain config file)`, line, 1);
  }

  const next = options.memo ? reparse(options.memo, text) : undefined;
  if (next && valueDepth(next.data) <= MAX_DEPTH) {
    // Source positions are only needed to report a problem: the full parse is made then, once.
    let full: ReadResult | undefined;
    const locate = (path: readonly PropertyKey[], key = false) => {
      full ??= parseYamlText(bytes, file);
      return full.ok ? full.source.locate(path, key) : { line: 1, col: 1 };
    };
    return { ok: true, source: { file, data: next.data, locate, memo: next } };
  }

  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    const docs = parseAllDocuments(text, lineCounter);
    if (docs.length > 1) {
      const pos = lineCounter.linePos(docs[1]!.range[0]);
      return fail(`several YAML documents (got ${docs.length}, expected one)`, pos.line, pos.col);
    }
    doc = docs[0] ?? parseDocument('', { lineCounter });
  } catch (err) {
    // The parser recurses on nesting; anything that slips past flowDepth ends here, not in a crash.
    return fail(`cannot parse YAML (got ${err instanceof RangeError ? 'nesting too deep' : String(err)}, expected a plain config file)`);
  }
  if (doc.errors.length > 0) {
    // The parser recovers from a stack overflow on deep nesting and reports it as an error.
    const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
    if (overflow) {
      const pos = lineCounter.linePos(overflow.pos[0]);
      return fail(`nesting too deep (got more than ${MAX_DEPTH} levels, expected a plain config file)`, pos.line, pos.col);
    }
    // A tab in indentation derails the parser into a cascade of follow-on errors: say only that.
    const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
    const errors = tabs.length > 0 ? tabs : doc.errors;
    const problems = errors.slice(0, MAX_YAML_ERRORS).map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      const message = e.code === 'TAB_AS_INDENT' ? 'tab in indentation (got a tab, expected spaces: YAML indents with spaces only)' : `invalid YAML (got ${firstLine(e.message)}, expected well-formed YAML)`;
      return { file, line: pos.line, col: pos.col, path: '', message };
    });
    if (errors.length > MAX_YAML_ERRORS) {
      const last = problems[problems.length - 1]!;
      problems.push({ ...last, message: `invalid YAML (got ${errors.length - MAX_YAML_ERRORS} more errors, expected well-formed YAML; fix the first ones)` });
    }
    return { ok: false, problems };
  }
  // A tag is written with `!` and an alias with `*`: a text with neither has none, and the walks
  // over every node that look for them (≈ 60 ms of a 100-cluster fleet's load) are skipped.
  const tagged = (text.includes('!') ? unknownTags(doc) : []).map(({ tag, offset }) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col, path: '', message: `unknown YAML tag (got ${JSON.stringify(tag)}, expected no tag: config files are plain YAML, and a tag such as !include is never resolved)` };
  });
  if (tagged.length > 0) return { ok: false, problems: tagged };
  const undefinedAlias = text.includes('*') ? firstUndefinedAlias(doc) : undefined;
  if (undefinedAlias) {
    const pos = lineCounter.linePos(undefinedAlias.offset);
    return fail(`undefined alias (got *${undefinedAlias.name}, expected an anchor &${undefinedAlias.name} defined before it)`, pos.line, pos.col);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    return fail(`cannot expand YAML (got ${firstLine(String((err as Error).message ?? err))}, expected at most ${MAX_ALIASES} alias expansions)`);
  }
  if (valueDepth(data) > MAX_DEPTH) return fail(`nesting too deep (got more than ${MAX_DEPTH} levels, expected a plain config file)`);

  const locate = (path: readonly PropertyKey[], key = false) => {
    const offset = offsetOf(doc, path, key);
    return lineCounter.linePos(offset);
  };
  const memo = options.memo !== undefined ? memoOf(text, doc, lineCounter, data) : undefined;
  return { ok: true, source: { file, data, locate, ...(memo ? { memo } : {}) } };
}

function parseAllDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  // 'yaml' returns an EmptyStream (not an array) for a file with no document.
  const all = parseAll(text, { ...PARSE_OPTIONS, lineCounter });
  return Array.isArray(all) ? all : [];
}

/** Tags of the YAML core schema that yield plain JSON values; any other tag is refused. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Explicit tags outside the core schema (`!include`, `!!binary`, …), in document order. */
function unknownTags(doc: Document.Parsed): { tag: string; offset: number }[] {
  const found: { tag: string; offset: number }[] = [];
  visit(doc, {
    Node(_, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && !PLAIN_TAGS.has(tag)) found.push({ tag: tag.replace(/^tag:yaml\.org,2002:/, '!!'), offset: node.range?.[0] ?? 0 });
    },
  });
  return found;
}

/** The first alias whose anchor is not defined before it (the YAML spec requires that order). */
function firstUndefinedAlias(doc: Document.Parsed): { name: string; offset: number } | undefined {
  const anchors = new Set<string>();
  let found: { name: string; offset: number } | undefined;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          found = { name: node.source, offset: node.range?.[0] ?? 0 };
          return visit.BREAK;
        }
      } else if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return found;
}

/**
 * The parser's message, without its position (we give ours) and without the source text it quotes
 * (`Unexpected scalar token in YAML stream: "…"`): a file named by mistake, a token file, must
 * never be printed.
 */
function firstLine(message: string): string {
  return JSON.stringify(message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/: ".*"$/, '').trim());
}

/**
 * A line that opens more than MAX_DEPTH block collections at once (`- - - … x`, `? ? …`): the
 * parser recurses once per level, and near its stack limit node can abort on a regex compile
 * instead of throwing (seen: a 5,000-level file, then a 20,000-level one, in one process), so
 * such a file is refused before it is parsed.
 */
const COMPACT_NESTING = new RegExp(`^[ \\t]*(?:[-?][ \\t]+){${MAX_DEPTH + 1}}`, 'm');

/** What flowDepth looks at; a regex finds the next one natively, over the plain text between. */
const FLOW_SYNTAX = /[#"'[\]{}]/g;

/** Maximum nesting of flow collections ([ and {) outside quoted strings; cheap guard before parsing. */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  const syntax = new RegExp(FLOW_SYNTAX);
  for (let m = syntax.exec(text); m; m = syntax.exec(text)) {
    const c = m[0];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', m.index);
      if (nl < 0) break;
      syntax.lastIndex = nl + 1;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else depth = Math.max(0, depth - 1);
  }
  return max;
}

function valueDepth(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return depth;
  if (value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const v of Object.values(value as object)) max = Math.max(max, valueDepth(v, depth + 1));
  return max;
}

/** Walks the YAML AST along `path`; stops at the deepest node that exists. */
function offsetOf(doc: Document.Parsed, path: readonly PropertyKey[], key: boolean): number {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return offset;
      if (last && key && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? (isScalar(pair.key) ? pair.key.range?.[0] ?? offset : offset);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
