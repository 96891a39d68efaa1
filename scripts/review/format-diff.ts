/**
 * A FleetDiff for people: plain text for the terminal (and the full report CI keeps), Markdown
 * for a sticky PR comment that fits GitHub's limit at any fleet size. Identical changes across
 * clusters are one entry (`groupChanges`), biggest first.
 *
 * Text:
 *   meshfleet diff: HEAD → working tree (config/fleet.yaml)
 *   saopaulo: 0 added, 1 changed, 0 removed
 *   unchanged: frankfurt
 *
 *   saopaulo
 *     apps
 *       ~ Deployment bookinfo/reviews-v3
 *           spec.replicas: 1 → 2
 */
import { FLEET_OVERVIEW_FILE } from '../../clusters/paths.ts';
import { groupChanges, hasChanges, isChanged, type ChangeGroup, type ClusterDiff, type FleetDiff, type ObjectChange, type PathChange, type PathCount } from './fleet-diff.ts';
import type { LineHunk } from './line-diff.ts';
import { formatValue } from './value-diff.ts';

/** Hidden marker of the PR comment, so the workflow finds and updates its own earlier comment. */
export const COMMENT_MARKER = '<!-- meshfleet-diff -->';

export interface DiffLabels {
  /** What the change is compared against, e.g. `HEAD` or `origin/main`. */
  readonly base: string;
  /** The changed side. @default 'working tree' */
  readonly head?: string;
  /** The fleet file compared. */
  readonly config?: string;
  /** How the change rolls out through the waves (rollout-note.ts); shown after the summary. @default [] */
  readonly rollout?: readonly string[];
}

export interface MarkdownOptions {
  /** Longest value shown in a changed field. @default 100 */
  readonly maxValue?: number;
  /** Longest comment; GitHub refuses comments over 65,536 characters. @default 60000 */
  readonly maxChars?: number;
  /** Where the full report is (CI's artifact); linked when the comment is cut. @default - the comment says how to make it locally */
  readonly reportUrl?: string;
  /** An entry with at most this many diff lines shows open, longer ones collapse. @default 40 */
  readonly openLines?: number;
}

const SYMBOL: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

export function summaryLine(c: ClusterDiff): string {
  const status = c.status === 'new' ? ' (new cluster)' : c.status === 'removed' ? ' (removed cluster)' : '';
  const layout = c.layoutOnly.length > 0 ? `, ${c.layoutOnly.length} file${c.layoutOnly.length === 1 ? '' : 's'} rearranged` : '';
  return `${c.cluster}${status}: ${c.counts.added} added, ${c.counts.changed} changed, ${c.counts.removed} removed${layout}`;
}

const objectLabel = (o: ObjectChange): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function title(labels: DiffLabels): string {
  return `${labels.base} → ${labels.head ?? 'working tree'}${labels.config ? ` (${labels.config})` : ''}`;
}

/** The summary lines: one per changed cluster, the unchanged ones on one line, the overview, the paths. */
function summary(diff: FleetDiff): string[] {
  const lines = diff.clusters.filter(isChanged).map(summaryLine);
  const unchanged = diff.clusters.filter((c) => !isChanged(c)).map((c) => c.cluster);
  if (unchanged.length > 0) lines.push(`unchanged: ${unchanged.join(', ')}`);
  if (diff.overview.length > 0) lines.push(`overview: ${FLEET_OVERVIEW_FILE} changed`);
  for (const p of diff.paths) {
    lines.push(`request path ${p.app}, users near ${p.users} (${p.region}): cross-region hops ${countText(p.before)} → ${countText(p.after)}, est. added latency ${msOf(p.before)} → ${msOf(p.after)}, intercontinental calls ${p.before?.intercontinental ?? '—'} → ${p.after?.intercontinental ?? '—'}`);
  }
  if (!hasChanges(diff)) lines.push('no change');
  return lines;
}

const countText = (c: PathCount | undefined): string => (c ? `${c.crossRegion} of ${c.hops}` : '(none)');
const msOf = (c: PathCount | undefined): string => (c ? (c.addedMs === 0 ? '0 ms' : `≈ ${c.addedMs} ms`) : '—');

/** Groups a list of changes by layer, keeping their order. */
function byLayer(changes: readonly ObjectChange[]): Map<string, ObjectChange[]> {
  const out = new Map<string, ObjectChange[]>();
  for (const c of changes) out.set(c.layer, [...(out.get(c.layer) ?? []), c]);
  return out;
}

const clusterLabel = (c: ChangeGroup['clusters'][number]): string =>
  `${c.name}${c.status === 'new' ? ' (new cluster)' : c.status === 'removed' ? ' (removed cluster)' : ''}`;

/** An entry's title in full: the cluster, or `same change in N clusters: a, b, …; differs in: …`. */
function groupTitle(g: ChangeGroup, listUpTo = Number.POSITIVE_INFINITY): string {
  const names = g.clusters.map(clusterLabel);
  const shown = names.length > listUpTo ? `${names.slice(0, listUpTo).join(', ')} and ${names.length - listUpTo} more` : names.join(', ');
  // "Differs in" qualifies a shared change; a one-cluster entry's other clusters are their own entries.
  const differs = g.differsIn.length === 0 || names.length === 1 ? '' : `; differs in: ${g.differsIn.length > listUpTo ? `${g.differsIn.slice(0, listUpTo).join(', ')} and ${g.differsIn.length - listUpTo} more` : g.differsIn.join(', ')}`;
  return names.length === 1 ? `${shown}${differs}` : `same change in ${names.length} clusters: ${shown}${differs}`;
}

export function formatText(diff: FleetDiff, labels: DiffLabels, maxValue = 120): string {
  const lines = [`meshfleet diff: ${title(labels)}`, ...summary(diff), ...(labels.rollout ?? [])];
  for (const g of groupChanges(diff)) {
    lines.push('', groupTitle(g));
    for (const [layer, changes] of byLayer(g.changes)) {
      lines.push(`  ${layer}`);
      for (const o of changes) {
        lines.push(`    ${SYMBOL[o.change]} ${objectLabel(o)}`);
        for (const f of o.fields) lines.push(`        ${f.path}: ${formatValue(f.old, maxValue)} → ${formatValue(f.new, maxValue)}`);
      }
    }
    for (const file of g.layoutOnly) lines.push(`  rearranged: ${file}`);
  }
  if (diff.overview.length > 0) {
    lines.push('', `overview (${FLEET_OVERVIEW_FILE})`);
    lines.push(...overviewLines(diff.overview).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function overviewLines(hunks: readonly LineHunk[]): string[] {
  const out: string[] = [];
  let heading = '';
  for (const h of hunks) {
    // One title per section: later hunks of the same section follow without repeating it.
    if (h.heading && h.heading !== heading) out.push(`@@ ${h.heading} @@`);
    heading = h.heading;
    for (const l of h.lines) out.push(`${l.op} ${l.text}`);
  }
  return out;
}

/** Changed clusters listed by name in the Markdown summary table up to this many; above, counted. */
const TABLE_UP_TO_CLUSTERS = 10;
/** Names listed in a line of the Markdown (unchanged clusters, an entry's clusters) before "and N more". */
const NAMES_UP_TO = 12;
/** Request paths listed in the Markdown's latency table before "and N more". */
const PATHS_UP_TO = 40;

/**
 * The PR comment: summary first (clusters and objects changed, the per-region latency and egress
 * estimates that move), then one entry per group of identical changes, biggest first, open when
 * short, then FLEET.md's diff collapsed. Never longer than `maxChars`: what does not fit is left
 * out whole, with a pointer to the full report.
 */
export function formatMarkdown(diff: FleetDiff, labels: DiffLabels, options: MarkdownOptions = {}): string {
  const maxValue = options.maxValue ?? 100;
  const maxChars = options.maxChars ?? 60000;
  const openLines = options.openLines ?? 40;
  const head: string[] = [COMMENT_MARKER, '### meshfleet diff', ''];
  const changed = diff.clusters.filter(isChanged);
  const total = (k: keyof ClusterDiff['counts']) => changed.reduce((sum, c) => sum + c.counts[k], 0);
  const fleet = labels.config ? ` rendered from \`${labels.config}\`` : '';
  const overview = diff.overview.length > 0 ? `; ${FLEET_OVERVIEW_FILE} changes` : '';
  head.push(`The fleet${fleet}, \`${labels.base}\` → ${labels.head ?? 'working tree'}: **${changed.length} of ${diff.clusters.length} cluster${diff.clusters.length === 1 ? '' : 's'} change** (objects: ${total('added')} added, ${total('changed')} changed, ${total('removed')} removed)${overview}.`, '');
  if (changed.length > 0 && changed.length <= TABLE_UP_TO_CLUSTERS) {
    head.push('| cluster | added | changed | removed |', '|---|--:|--:|--:|');
    for (const c of changed) {
      const status = c.status === 'new' ? ' (new)' : c.status === 'removed' ? ' (removed)' : '';
      head.push(`| **${c.cluster}**${status} | ${c.counts.added} | ${c.counts.changed} | ${c.counts.removed} |`);
    }
    head.push('');
  }
  const unchanged = diff.clusters.filter((c) => !isChanged(c)).map((c) => c.cluster);
  if (unchanged.length > 0) head.push(`Unchanged: ${unchanged.length > NAMES_UP_TO ? `${unchanged.length} clusters` : unchanged.join(', ')}.`, '');
  for (const line of labels.rollout ?? []) head.push(line, '');
  if (diff.paths.length > 0) head.push(...pathTable(diff.paths));
  if (!hasChanges(diff)) head.push('**No change** to any cluster or to the overview.', '');

  const sections: { text: string; what: string }[] = [];
  for (const g of groupChanges(diff)) {
    const body = entryLines(g, maxValue);
    const titleText = g.clusters.length === 1 ? `**${groupTitle(g, NAMES_UP_TO)}**` : `**Same change in ${g.clusters.length} clusters**${g.clusters.length === diff.clusters.length ? ' (every cluster)' : ''}: ${groupTitle(g, NAMES_UP_TO).replace(/^same change in \d+ clusters: /, '')}`;
    const block = fenced(body);
    const text = body.length <= openLines
      ? [titleText, '', block, ''].join('\n')
      : [titleText, '', `<details><summary>${g.changes.length} object change${g.changes.length === 1 ? '' : 's'}</summary>`, '', block, '', '</details>', ''].join('\n');
    sections.push({ text, what: `${g.clusters.length === 1 ? g.clusters[0]!.name : `a change in ${g.clusters.length} clusters`}` });
  }
  if (diff.overview.length > 0) {
    const lines = overviewLines(diff.overview).map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
    sections.push({ text: details(`<b>${FLEET_OVERVIEW_FILE}</b> (topology, placement, request paths, region failure)`, lines), what: `the ${FLEET_OVERVIEW_FILE} diff` });
  }

  const report = options.reportUrl ? `the full report: ${options.reportUrl}` : `run \`npm run diff -- --base ${labels.base}\` for the full report`;
  const out = [...head];
  let size = out.join('\n').length;
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i]!;
    // Room for the note that says what was left out.
    if (size + section.text.length + 400 > maxChars) {
      const left = sections.slice(i);
      const entries = left.filter((l) => !l.what.endsWith('diff')).length;
      const parts = [entries > 0 ? `${entries} more entr${entries === 1 ? 'y' : 'ies'}` : '', left.some((l) => l.what.endsWith('diff')) ? `the ${FLEET_OVERVIEW_FILE} diff` : ''].filter(Boolean);
      out.push(`_Cut to fit a comment: ${parts.join(' and ')} left out; ${report}._`, '');
      break;
    }
    out.push(section.text);
    size += section.text.length + 1;
  }
  return `${out.join('\n')}\n`;
}

/** The request paths whose hops, latency or egress estimates move, as a table. */
function pathTable(paths: readonly PathChange[]): string[] {
  const lines = [
    'Request paths whose cross-region hops, estimated added latency or intercontinental calls change (estimates: see FLEET.md):',
    '',
    '| app | users near | cross-region hops | est. added latency | intercontinental calls |',
    '|---|---|--:|--:|--:|',
  ];
  for (const p of paths.slice(0, PATHS_UP_TO)) {
    const hops = `${p.before ? countText(p.before) : '—'} → ${p.after ? countText(p.after) : '—'}`;
    lines.push(`| ${p.app} | ${p.users} (${p.region}) | ${hops} | ${msOf(p.before)} → ${msOf(p.after)} | ${p.before?.intercontinental ?? '—'} → ${p.after?.intercontinental ?? '—'} |`);
  }
  if (paths.length > PATHS_UP_TO) lines.push('', `…and ${paths.length - PATHS_UP_TO} more request paths (full report).`);
  lines.push('');
  return lines;
}

/** An entry's changes as diff lines: layers, objects, old and new values. */
function entryLines(g: ChangeGroup, maxValue: number): string[] {
  const body: string[] = [];
  for (const [layer, changes] of byLayer(g.changes)) {
    body.push(`@@ ${layer} @@`);
    for (const o of changes) {
      body.push(`${SYMBOL[o.change]} ${objectLabel(o)}`);
      for (const f of o.fields) {
        if (f.old !== undefined) body.push(`-     ${f.path}: ${formatValue(f.old, maxValue)}`);
        if (f.new !== undefined) body.push(`+     ${f.path}: ${formatValue(f.new, maxValue)}`);
      }
    }
  }
  for (const file of g.layoutOnly) body.push(`  rearranged: ${file}`);
  return body;
}

/** A `diff` block whose fence is longer than any backtick run in the content, so values cannot close it. */
function fenced(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}diff`, ...lines, fence].join('\n');
}

function details(summaryHtml: string, lines: string[]): string {
  return [`<details><summary>${summaryHtml}</summary>`, '', fenced(lines), '', '</details>', ''].join('\n');
}
