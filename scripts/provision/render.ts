/** Text of the plan, the dry run's request list and the summary table. Pure: returns lines. */
import type { ItemResult } from './apply.ts';
import { formatDifference } from './differences.ts';
import { formatDuration, table } from './format.ts';
import { commandLine } from './gcloud.ts';
import type { Action, PlanItem } from './plan.ts';
import { countActions } from './plan.ts';

const ACTION_TEXT: Record<Action, string> = {
  create: 'create',
  exists: 'exists',
  differs: 'differs (reported only; nothing is changed)',
  wait: 'wait',
  broken: 'needs attention',
  unknown: 'check, then create if missing',
  skipped: 'skipped',
};

const COUNT_TEXT: Record<Action, string> = {
  create: 'to create', wait: 'to wait for', exists: 'exist', differs: 'differ',
  broken: 'need attention', unknown: 'to check', skipped: 'skipped',
};

/**
 * The plan: one row per item (below it, indented: its detail, its differences and, when it differs,
 * the command that would change it) and a closing count.
 */
export function renderPlan(items: readonly PlanItem[]): string[] {
  const rows = items.map((i) => [i.kind, i.name, i.location, `${ACTION_TEXT[i.action]}${i.note ? `: ${i.note}` : ''}`]);
  const lines: string[] = [];
  const rendered = table([['KIND', 'NAME', 'LOCATION', 'ACTION'], ...rows]);
  lines.push(rendered[0]!);
  items.forEach((item, n) => {
    lines.push(rendered[n + 1]!);
    if (item.kind !== 'cluster' && item.step.detail) lines.push(`      ${item.step.detail}`);
    for (const d of item.differences) lines.push(`      ${formatDifference(d)}`);
    if (item.action === 'differs' && item.kind !== 'cluster' && item.step.remedy) lines.push(`      to change it (provision does not): ${item.step.remedy}`);
  });
  lines.push(`${countActions(items).map(([a, n]) => `${n} ${COUNT_TEXT[a]}`).join(', ')}.`);
  return lines;
}

/**
 * Every request a real run would send for `items`, in order: the reads (`gcloudReads` first: reads
 * that are no item's own, like the project number), then each create (for a cluster, the
 * CreateCluster request as JSON). The poll calls (GetOperation) follow from the answers.
 */
export function renderRequests(items: readonly PlanItem[], gkeReads: readonly string[], gcloudReads: readonly (readonly string[])[] = []): string[] {
  const lines: string[] = ['Reads:'];
  for (const parent of gkeReads) lines.push(`  GKE ListClusters ${JSON.stringify({ parent })}`);
  for (const args of gcloudReads) lines.push(`  ${commandLine(args)}`);
  const describes = new Set<string>();
  for (const item of items) {
    if (item.kind === 'cluster' || item.action === 'skipped') continue;
    const command = commandLine(item.step.describe);
    if (!describes.has(command)) lines.push(`  ${command}`);
    describes.add(command);
  }
  lines.push('Creates, each only if missing:');
  for (const item of items) {
    if (item.action === 'skipped') continue;
    if (item.kind === 'cluster') {
      lines.push(`  GKE CreateCluster (then GetOperation until DONE):`);
      lines.push(...JSON.stringify(item.request, null, 2).split('\n').map((l) => `    ${l}`));
    } else {
      lines.push(`  ${commandLine(item.step.create)}`);
    }
  }
  return lines;
}

/** The summary table: one row per item acted on, with its result and how long it took. */
export function renderSummary(results: readonly ItemResult[]): string[] {
  return table([
    ['ITEM', 'RESULT', 'TIME', 'DETAIL'],
    ...results.map((r) => [`${r.item.kind} ${r.item.name}`, r.result, formatDuration(r.durationMs), r.detail ?? '']),
  ]);
}
