/**
 * A FleetDiff for people: plain text for the terminal, Markdown for a sticky PR comment.
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
import { hasChanges, isChanged, type ClusterDiff, type FleetDiff, type ObjectChange, type PathChange, type PathCount } from './fleet-diff.ts';
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
}

export interface MarkdownOptions {
  /** Longest value shown in a changed field. @default 100 */
  readonly maxValue?: number;
  /** Longest comment; GitHub refuses comments over 65,536 characters. @default 60000 */
  readonly maxChars?: number;
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

/** The summary lines: one per changed cluster, the unchanged ones on one line, the overview. */
function summary(diff: FleetDiff): string[] {
  const lines = diff.clusters.filter(isChanged).map(summaryLine);
  const unchanged = diff.clusters.filter((c) => !isChanged(c)).map((c) => c.cluster);
  if (unchanged.length > 0) lines.push(`unchanged: ${unchanged.join(', ')}`);
  if (diff.overview.length > 0) lines.push(`overview: ${FLEET_OVERVIEW_FILE} changed`);
  for (const p of diff.paths) lines.push(`request path ${pathLabel(p)}: cross-region hops ${countText(p.before)} → ${countText(p.after)}`);
  if (!hasChanges(diff)) lines.push('no change');
  return lines;
}

const pathLabel = (p: PathChange): string => `${p.app}, users near ${p.users}`;
const countText = (c: PathCount | undefined): string => (c ? `${c.crossRegion} of ${c.hops}` : '(none)');

/** Groups a cluster's changes by layer, keeping their order. */
function byLayer(changes: readonly ObjectChange[]): Map<string, ObjectChange[]> {
  const out = new Map<string, ObjectChange[]>();
  for (const c of changes) out.set(c.layer, [...(out.get(c.layer) ?? []), c]);
  return out;
}

export function formatText(diff: FleetDiff, labels: DiffLabels, maxValue = 120): string {
  const lines = [`meshfleet diff: ${title(labels)}`, ...summary(diff)];
  for (const c of diff.clusters.filter(isChanged)) {
    lines.push('', c.cluster);
    for (const [layer, changes] of byLayer(c.changes)) {
      lines.push(`  ${layer}`);
      for (const o of changes) {
        lines.push(`    ${SYMBOL[o.change]} ${objectLabel(o)}`);
        for (const f of o.fields) lines.push(`        ${f.path}: ${formatValue(f.old, maxValue)} → ${formatValue(f.new, maxValue)}`);
      }
    }
    for (const file of c.layoutOnly) lines.push(`  rearranged: ${file}`);
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

export function formatMarkdown(diff: FleetDiff, labels: DiffLabels, options: MarkdownOptions = {}): string {
  const maxValue = options.maxValue ?? 100;
  const maxChars = options.maxChars ?? 60000;
  const head: string[] = [COMMENT_MARKER, '### meshfleet diff', ''];
  const fleet = labels.config ? ` rendered from \`${labels.config}\`` : '';
  head.push(`The fleet${fleet}, \`${labels.base}\` → ${labels.head ?? 'working tree'}, compared object by object, per cluster and Flux layer.`, '');
  const changed = diff.clusters.filter(isChanged);
  if (changed.length > 0) {
    head.push('| cluster | added | changed | removed |', '|---|--:|--:|--:|');
    for (const c of changed) {
      const status = c.status === 'new' ? ' (new)' : c.status === 'removed' ? ' (removed)' : '';
      head.push(`| **${c.cluster}**${status} | ${c.counts.added} | ${c.counts.changed} | ${c.counts.removed} |`);
    }
    head.push('');
  }
  const unchanged = diff.clusters.filter((c) => !isChanged(c)).map((c) => c.cluster);
  if (unchanged.length > 0) head.push(`Unchanged: ${unchanged.join(', ')}.`, '');
  if (diff.paths.length > 0) {
    head.push('Request paths (cross-region hops of all hops, see FLEET.md):', '', '| app | users near | before | after |', '|---|---|--:|--:|');
    for (const p of diff.paths) head.push(`| ${p.app} | ${p.users} | ${p.before ? countText(p.before) : '—'} | ${p.after ? countText(p.after) : '—'} |`);
    head.push('');
  }
  if (!hasChanges(diff)) head.push('**No change** to any cluster or to the overview.', '');

  const sections: string[] = [];
  for (const c of changed) {
    const body: string[] = [];
    for (const [layer, changes] of byLayer(c.changes)) {
      body.push(`@@ ${layer} @@`);
      for (const o of changes) {
        body.push(`${SYMBOL[o.change]} ${objectLabel(o)}`);
        for (const f of o.fields) {
          if (f.old !== undefined) body.push(`-     ${f.path}: ${formatValue(f.old, maxValue)}`);
          if (f.new !== undefined) body.push(`+     ${f.path}: ${formatValue(f.new, maxValue)}`);
        }
      }
    }
    for (const file of c.layoutOnly) body.push(`  rearranged: ${file}`);
    sections.push(details(summaryLine(c).replace(c.cluster, `<b>${c.cluster}</b>`), body));
  }
  if (diff.overview.length > 0) {
    const lines = overviewLines(diff.overview).map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
    sections.push(details(`<b>overview</b>: ${FLEET_OVERVIEW_FILE} (topology, placement, request paths)`, lines));
  }

  const out = [...head];
  let size = out.join('\n').length;
  for (let i = 0; i < sections.length; i++) {
    if (size + sections[i]!.length + 200 > maxChars) {
      out.push(`_…${sections.length - i} more section${sections.length - i === 1 ? '' : 's'} left out to fit a comment: run \`npm run diff -- --base ${labels.base}\` locally._`, '');
      break;
    }
    out.push(sections[i]!);
    size += sections[i]!.length + 1;
  }
  out.push('<sub>`npm run diff` · exit 0 no change, 1 changes, 2 error</sub>');
  return `${out.join('\n')}\n`;
}

function details(summaryHtml: string, lines: string[]): string {
  // A fence longer than any backtick run in the content, so values cannot close it.
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [`<details><summary>${summaryHtml}</summary>`, '', `${fence}diff`, ...lines, fence, '', '</details>', ''].join('\n');
}
