/**
 * Re-parsing a YAML config file after a small edit without parsing all of it again. Parsing a
 * 100-cluster fleet file with source positions is the largest part of loading it, and an edit
 * usually touches a few lines of one entry (a placement, a cluster's node pool).
 *
 * A full parse leaves a memo: the text, its data, and its *units* — the block-mapping entries and
 * block-sequence items whose value is a block collection, each with its path in the data and its
 * line span. After an edit, the lines that differ are found (common prefix and suffix); when they
 * lie inside one unit whose first line did not change, only that unit's new lines are parsed, on
 * their own, and spliced into the old data.
 *
 * That is the same data a full parse gives, because a unit taken this way cannot mean anything
 * different on its own: a memo is only made of a document with no anchor, alias or tag (so nothing
 * outside a unit refers into it or it out), and the new unit text is only used when every line
 * after its first is blank or indented deeper than its key (so it ends where it did and holds one
 * entry, the same key), it parses without error as exactly that one entry, and it holds no anchor,
 * alias, tag, block scalar, or scalar or flow collection over several lines (whose meaning
 * depends on indentation outside the unit). Anything else is parsed in full, as without a memo.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { isPlainJson } from './plain-json.ts';

/** What a parse of one file leaves for the next: JSON-safe, kept in the synth cache. */
export interface SourceMemo {
  readonly text: string;
  readonly data: unknown;
  readonly units: readonly Unit[];
  /**
   * What the loader's schema made of `data` when it was valid, and which kind of file it was
   * validated as (config/load.ts `validateWithMemo`): a file not edited since is not validated again.
   * Only a memo of unchanged text keeps it; a reparse makes a memo without.
   */
  readonly valid?: { readonly what: string; readonly value: unknown };
}

/** A block entry that can be parsed again on its own. Lines are 0-based. */
export interface Unit {
  /** `pair`: `key: <block collection>`; `item`: `- <block collection>` of a sequence. */
  readonly kind: 'pair' | 'item';
  /** Path of its value in the data (a key for a pair, an index for an item). */
  readonly path: readonly (string | number)[];
  /** Line of the key (pair) or of the dash (item). */
  readonly line: number;
  /** Column of the key (pair) or of the dash (item). */
  readonly col: number;
  /** Last line of its value's content. */
  readonly end: number;
}

/** Options the loader parses with (source.ts); a unit is parsed with the same. */
export const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/**
 * The memo of a fully parsed document, or undefined when none can be made (anchors, aliases or
 * tags anywhere, data that JSON would not keep, a `__proto__` key).
 */
export function memoOf(text: string, doc: Document.Parsed, lineCounter: LineCounter, data: unknown): SourceMemo | undefined {
  if (text.includes('__proto__') || !isPlainJson(data) || !isContextFree(doc, text, false)) return undefined;
  const units: Unit[] = [];
  collectUnits(doc.contents, [], text, lineCounter, units);
  return { text, data, units };
}

/**
 * The data of `text`, from the memo of an earlier version of the file, with the new memo; or
 * undefined when the edit is not one a unit can take (then parse in full).
 */
export function reparse(memo: SourceMemo, text: string): SourceMemo | undefined {
  if (text === memo.text) return memo;
  const oldLines = memo.text.split('\n');
  const newLines = text.split('\n');
  const most = Math.min(oldLines.length, newLines.length);
  let prefix = 0;
  while (prefix < most && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < most - prefix && oldLines[oldLines.length - 1 - suffix] === newLines[newLines.length - 1 - suffix]) suffix++;
  // Old lines [prefix, lastChanged] were replaced; an insertion alone replaces none (lastChanged < prefix).
  const lastChanged = oldLines.length - suffix - 1;
  const delta = newLines.length - oldLines.length;

  // The innermost unit whose first line is unchanged and whose span holds every changed line.
  let unit: Unit | undefined;
  for (const u of memo.units) {
    if (u.line >= prefix || u.end < Math.max(lastChanged, prefix)) continue;
    if (!unit || u.line > unit.line || (u.line === unit.line && u.path.length > unit.path.length)) unit = u;
  }
  if (!unit) return undefined;
  const end = unit.end + delta;
  const lines = newLines.slice(unit.line, end + 1);
  const first = lines[0]!;
  const lead = first.slice(0, unit.col);
  // A pair may start after its sequence item's dash (`- name: x`): the dash becomes a space, the
  // pair keeps its column. An item keeps its dash.
  if (unit.kind === 'pair' ? !/^ *(- +)?$/.test(lead) : !/^ *$/.test(lead)) return undefined;
  lines[0] = ' '.repeat(unit.col) + first.slice(unit.col);
  for (const line of lines.slice(1)) {
    if (line.includes('\t')) return undefined;
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && indent <= unit.col) return undefined;
  }
  const unitText = `${lines.join('\n')}\n`;
  if (unitText.includes('__proto__')) return undefined;

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(unitText, { ...PARSE_OPTIONS, lineCounter });
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const doc = docs[0]!;
  if (doc.errors.length > 0 || !isContextFree(doc, unitText, true)) return undefined;
  const root = doc.contents;
  const key = unit.path[unit.path.length - 1]!;
  let value: unknown;
  if (unit.kind === 'pair') {
    if (!isMap(root) || root.flow || root.items.length !== 1) return undefined;
    const pair = root.items[0]!;
    if (!isScalar(pair.key) || pair.key.value !== key) return undefined;
    value = (doc.toJS() as Record<string, unknown>)[key as string];
  } else {
    if (!isSeq(root) || root.flow || root.items.length !== 1) return undefined;
    value = (doc.toJS() as unknown[])[0];
  }
  if (!isPlainJson(value)) return undefined;
  const data = replaced(memo.data, unit.path, value);
  if (data === undefined) return undefined;

  // Units: the edited one's insides from the new parse; after it, shifted; around it, longer.
  const inside = (u: Unit) => u.path.length > unit.path.length && unit.path.every((p, i) => u.path[i] === p);
  const units: Unit[] = [];
  for (const u of memo.units) {
    if (u === unit || inside(u)) continue;
    if (u.line > unit.end) units.push({ ...u, line: u.line + delta, end: u.end + delta });
    else if (u.end >= unit.end) units.push({ ...u, end: u.end + delta });
    else units.push(u);
  }
  const parent = unit.path.slice(0, -1);
  const fresh: Unit[] = [];
  collectUnits(root, parent, unitText, lineCounter, fresh);
  for (const u of fresh) units.push({ ...u, line: u.line + unit.line, end: u.end + unit.line, path: unit.kind === 'item' ? [...parent, key, ...u.path.slice(parent.length + 1)] : u.path });
  units.sort((a, b) => a.line - b.line || a.path.length - b.path.length);
  return { text, data, units };
}

/**
 * Whether nothing in the document ties its meaning to text outside a unit: no anchor, alias or
 * tag; with `unit`, also no block scalar and no scalar or flow collection over several lines.
 */
function isContextFree(doc: Document.Parsed, text: string, unit: boolean): boolean {
  let free = true;
  visit(doc, {
    Node(_, node) {
      const n = node as Node & { anchor?: string; tag?: string; flow?: boolean; type?: string };
      if (n.anchor || n.tag || isAlias(node)) free = false;
      else if (unit && (isScalar(node) || n.flow)) {
        if (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') free = false;
        else if (node.range && text.slice(node.range[0], node.range[1]).includes('\n')) free = false;
      }
      return free ? undefined : visit.BREAK;
    },
  });
  return free;
}

/** `data` with the value at `path` replaced, copying only the objects on the way; undefined if the path is not there. */
function replaced(data: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(data)) {
    if (typeof head !== 'number' || head >= data.length) return undefined;
    const inner = replaced(data[head], rest, value);
    if (inner === undefined) return undefined;
    const copy = [...data];
    copy[head] = inner;
    return copy;
  }
  if (data === null || typeof data !== 'object' || typeof head !== 'string' || !Object.hasOwn(data, head)) return undefined;
  const inner = replaced((data as Record<string, unknown>)[head], rest, value);
  if (inner === undefined) return undefined;
  return { ...(data as Record<string, unknown>), [head]: inner };
}

/** The units under `node` (at `path` in the data), in document order. */
function collectUnits(node: unknown, path: readonly (string | number)[], text: string, lineCounter: LineCounter, out: Unit[]): void {
  const lineOf = (offset: number) => lineCounter.linePos(offset).line - 1;
  /** Last line with content before `offset` (a collection's range may end past its last newline). */
  const endLine = (offset: number) => {
    let at = offset - 1;
    while (at > 0 && /\s/.test(text[at]!)) at--;
    return lineOf(at);
  };
  const isBlock = (n: unknown): n is Node => (isMap(n) || isSeq(n)) && !n.flow && n.range !== undefined && n.range !== null;
  if (isMap(node) && !node.flow) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.range) continue;
      const key = pair.key.value;
      if (!isBlock(pair.value)) continue;
      const pos = lineCounter.linePos(pair.key.range[0]);
      out.push({ kind: 'pair', path: [...path, key], line: pos.line - 1, col: pos.col - 1, end: endLine(pair.value.range![1]) });
      collectUnits(pair.value, [...path, key], text, lineCounter, out);
    }
  } else if (isSeq(node) && !node.flow) {
    node.items.forEach((item, i) => {
      if (!isBlock(item)) return;
      // The dash must be on the item's first line, before it: `- name: x`.
      const start = item.range![0];
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const lead = /^( *)- +$/.exec(text.slice(lineStart, start));
      if (lead) out.push({ kind: 'item', path: [...path, i], line: lineOf(start), col: lead[1]!.length, end: endLine(item.range![1]) });
      collectUnits(item, [...path, i], text, lineCounter, out);
    });
  }
}
