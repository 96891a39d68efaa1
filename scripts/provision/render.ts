/** Text of the plan, the dry run's request list, the drift list and the summary table. Pure: returns lines. */
import type { ItemResult } from './apply.ts';
import { changeMethod } from './cluster-diff.ts';
import { formatDifference, kindOf } from './differences.ts';
import { formatDuration, table } from './format.ts';
import { commandLine } from './gcloud.ts';
import { changesOf, countActions, isRemoval, type Action, type PlanItem } from './plan.ts';

const ACTION_TEXT: Record<Action, string> = {
  create: 'create',
  update: 'update',
  exists: 'exists',
  differs: 'differs (reported only; nothing is changed)',
  wait: 'wait',
  broken: 'needs attention',
  unknown: 'check, then create if missing',
  skipped: 'skipped',
  orphan: 'not in config (kept; --prune deletes it)',
  delete: 'delete (not in config)',
};

const COUNT_TEXT: Record<Action, string> = {
  create: 'to create', update: 'to update', delete: 'to delete', wait: 'to wait for', exists: 'exist', differs: 'differ',
  orphan: 'not in config', broken: 'need attention', unknown: 'to check', skipped: 'skipped',
};

/**
 * The plan: one row per item (below it, indented: its detail, its differences field by field and,
 * when it differs, the command that would change it) and a closing count.
 */
export function renderPlan(items: readonly PlanItem[]): string[] {
  const rows = items.map((i) => [i.kind, i.name, i.location, `${ACTION_TEXT[i.action]}${i.note ? `: ${i.note}` : ''}`]);
  const lines: string[] = [];
  const rendered = table([['KIND', 'NAME', 'LOCATION', 'ACTION'], ...rows]);
  lines.push(rendered[0]!);
  items.forEach((item, n) => {
    lines.push(rendered[n + 1]!);
    const step = 'step' in item ? item.step : undefined;
    if (step?.detail) lines.push(`      ${step.detail}`);
    for (const d of item.differences) lines.push(`      ${formatDifference(d)}`);
    if (item.action === 'differs' && step?.remedy) lines.push(`      to change it (provision does not): ${step.remedy}`);
  });
  lines.push(`${countActions(items).map(([a, n]) => `${n} ${COUNT_TEXT[a]}`).join(', ')}.`);
  return lines;
}

/**
 * Every request a real run would send for `items`, in order: the reads (`gcloudReads` first: reads
 * that are no item's own, like the project number), then each write — for a cluster the
 * CreateCluster request as JSON, for an update each GKE request or gcloud command, for a deletion
 * the DeleteCluster or gcloud delete. The poll calls (GetOperation) follow from the answers.
 */
export function renderRequests(items: readonly PlanItem[], gkeReads: readonly string[], gcloudReads: readonly (readonly string[])[] = []): string[] {
  const lines: string[] = ['Reads:'];
  for (const parent of gkeReads) lines.push(`  GKE ListClusters ${JSON.stringify({ parent })}`);
  for (const args of gcloudReads) lines.push(`  ${commandLine(args)}`);
  const describes = new Set<string>();
  for (const item of items) {
    if (!('step' in item) || item.action === 'skipped') continue;
    const command = commandLine(item.step.describe);
    if (!describes.has(command)) lines.push(`  ${command}`);
    describes.add(command);
  }
  const offline = items.some((i) => i.action === 'unknown');
  lines.push(offline ? 'Creates, each only if missing:' : 'Writes:');
  const writes = lines.length;
  for (const item of items) {
    if (isRemoval(item)) {
      if (item.action !== 'delete') continue;
      lines.push('gke' in item.removal ? `  GKE DeleteCluster ${JSON.stringify({ name: item.removal.gke })} (then GetOperation until DONE)` : `  ${commandLine(item.removal.gcloud)}`);
    } else if (item.action === 'create' || item.action === 'unknown') {
      if (item.kind === 'cluster') {
        lines.push(`  GKE CreateCluster (then GetOperation until DONE):`);
        lines.push(...JSON.stringify(item.request, null, 2).split('\n').map((l) => `    ${l}`));
      } else {
        lines.push(`  ${commandLine(item.step.create)}`);
      }
    } else if (item.action === 'update') {
      if (item.kind === 'cluster') {
        for (const change of changesOf(item.differences)) lines.push(`  GKE ${changeMethod(change)} ${JSON.stringify(change.request)} (then GetOperation until DONE)`);
      } else {
        for (const args of changesOf(item.differences)) lines.push(`  ${commandLine(args)}`);
      }
    } else if (item.action === 'wait' && item.kind === 'cluster') {
      lines.push(`  (none: GKE GetCluster ${item.name} until RUNNING)`);
    }
  }
  if (lines.length === writes) lines.push('  none');
  return lines;
}

/**
 * Every difference provision does not change, and everything that left config, each with its fix:
 * what the summary ends with, so nothing drifts silently. Empty when there is none.
 */
export function renderDrift(items: readonly PlanItem[]): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const where = `${item.kind} ${item.name} (${item.location})`;
    if (isRemoval(item) && item.action === 'orphan') lines.push(`  ${where}: not in config`, `      fix: remove it with provision --prune, or put it back in config`);
    for (const d of item.differences) {
      if (kindOf(d) === 'update') continue;
      lines.push(`  ${where}: ${formatDifference(d)}`);
      if (d.fix) lines.push(`      fix: ${d.fix}`);
    }
  }
  return lines.length > 0 ? ['Differences provision does not change, with their fix:', ...lines] : [];
}

/** The summary table: one row per item acted on, with its result and how long it took. */
export function renderSummary(results: readonly ItemResult[]): string[] {
  return table([
    ['ITEM', 'RESULT', 'TIME', 'DETAIL'],
    ...results.map((r) => [`${r.item.kind} ${r.item.name}`, r.result, formatDuration(r.durationMs), r.detail ?? '']),
  ]);
}
