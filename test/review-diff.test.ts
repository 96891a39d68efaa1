/**
 * The fleet diff, in process: field-level value comparison, object-level comparison of two renders
 * per cluster and layer, and the text and Markdown reports (a known change gives a known report).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { requestPaths } from '../clusters/routing.ts';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { SourceMemos } from '../config/source.ts';
import type { SourceMemo } from '../config/source-memo.ts';
import { diffRendered, hasChanges } from '../scripts/review/fleet-diff.ts';
import { COMMENT_MARKER, formatMarkdown, formatText } from '../scripts/review/format-diff.ts';
import { diffLines } from '../scripts/review/line-diff.ts';
import { memosIn } from '../scripts/review/git-ref.ts';
import { parseRendered, type ParsedTexts } from '../scripts/review/objects.ts';
import { renderSides } from '../scripts/review/render-sides.ts';
import { diffValues, formatValue } from '../scripts/review/value-diff.ts';
import { DEFAULT_FLEET, ROOT, render, tempDir } from './helpers.ts';

const GLOBAL_FRONTENDS = join(ROOT, 'config/examples/global-frontends.yaml');
const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');

const LABELS = { base: 'base', head: 'head', config: 'fleet.yaml' };

/**
 * The default fleet with one known change: reviews-v3 runs 2 replicas in saopaulo, and its pods get
 * a new annotation `team: reviews` (app workloads have annotations, not free labels, in the schema).
 * Rendered once per process: five tests compare it.
 */
function knownChange(): ReadonlyMap<string, string> {
  return (knownChangeFiles ??= renderKnownChange());
}

let knownChangeFiles: ReadonlyMap<string, string> | undefined;

function renderKnownChange(): ReadonlyMap<string, string> {
  const dir = tempDir();
  mkdirSync(join(dir, 'apps'));
  const fleet = readFileSync(DEFAULT_FLEET, 'utf8');
  const scaled = fleet.replace('        reviews-v3: {}', '        reviews-v3: { replicas: 2 }');
  assert.notEqual(scaled, fleet, 'the default fleet places reviews-v3 with `reviews-v3: {}`');
  writeFileSync(join(dir, 'fleet.yaml'), scaled);
  const app = readFileSync(join(ROOT, 'config/apps/bookinfo.yaml'), 'utf8');
  const v3 = app.indexOf('\n  reviews-v3:\n');
  const anchor = '    securityContext: { runAsUser: 1001 }\n';
  const at = app.indexOf(anchor, v3) + anchor.length;
  assert.ok(v3 > 0 && at > v3 + anchor.length, 'bookinfo.yaml defines reviews-v3 with a securityContext line');
  writeFileSync(join(dir, 'apps/bookinfo.yaml'), `${app.slice(0, at)}    podAnnotations: { team: reviews }\n${app.slice(at)}`);
  return renderFleet(loadFleet(join(dir, 'fleet.yaml'))).files;
}

/** Rewrites the YAML documents of one rendered file. */
function editDocs(files: ReadonlyMap<string, string>, path: string, edit: (docs: any[]) => any[]): Map<string, string> {
  const content = files.get(path);
  assert.ok(content, `rendered ${path}`);
  const docs = parseAllDocuments(content).map((d) => d.toJS());
  return new Map(files).set(path, edit(docs).map((d) => stringify(d)).join('---\n'));
}

describe('diffValues: changed fields as paths', () => {
  test('scalars, added and removed keys, sorted by key', () => {
    assert.deepEqual(diffValues({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 2 }, metadata: { labels: { team: 'a' } } }), [
      { path: 'metadata', old: undefined, new: { labels: { team: 'a' } } },
      { path: 'spec.paused', old: true, new: undefined },
      { path: 'spec.replicas', old: 1, new: 2 },
    ]);
  });

  test('lists of named elements compare by name, others by index', () => {
    const before = { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }], failover: [{ from: 'eu', to: 'sa' }] };
    const after = { containers: [{ name: 'b', image: 'y:2' }, { name: 'a', image: 'x:1' }], failover: [{ from: 'eu', to: 'us' }] };
    assert.deepEqual(diffValues(before, after), [
      { path: 'containers[b].image', old: 'y:1', new: 'y:2' },
      { path: 'failover[0].to', old: 'sa', new: 'us' },
    ]);
    assert.deepEqual(diffValues({ env: [{ name: 'A', value: '1' }] }, { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }), [
      { path: 'env[B]', old: undefined, new: { name: 'B', value: '2' } },
    ]);
  });

  test('keys that are not identifiers are quoted', () => {
    assert.deepEqual(diffValues({ annotations: { 'prometheus.io/port': '9080' } }, { annotations: { 'prometheus.io/port': '9081' } }), [
      { path: 'annotations["prometheus.io/port"]', old: '9080', new: '9081' },
    ]);
  });

  test('values print as one-line JSON, cut with … past the limit', () => {
    assert.equal(formatValue(undefined), '(none)');
    assert.equal(formatValue('a'), '"a"');
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
    assert.equal(formatValue('x'.repeat(50), 10), '"xxxxxxxx…');
  });
});

describe('diffLines: FLEET.md hunks', () => {
  test('changed lines only, removed before added, titled by the heading above', () => {
    assert.deepEqual(diffLines('# A\nx\n## B\ny\nz', '# A\nx\n## B\ny2\nz'), [
      { heading: '## B', lines: [{ op: '-', text: 'y' }, { op: '+', text: 'y2' }] },
    ]);
    assert.deepEqual(diffLines('a', 'a'), []);
  });
});

describe('diffRendered: a known change gives a known report', () => {
  const base = render(DEFAULT_FLEET).rendered.files;
  let mesh2Files: ReadonlyMap<string, string> | undefined;
  /** The default fleet rendered with mesh id mesh2 (rendered once: two tests compare it). */
  const mesh2 = () => {
    const fleet = render(DEFAULT_FLEET).fleet;
    return (mesh2Files ??= renderFleet({ ...fleet, mesh: { ...fleet.mesh, id: 'mesh2' } }).files);
  };

  test('the same render: no change, every cluster collapsed into one line', () => {
    const diff = diffRendered(base, base);
    assert.equal(hasChanges(diff), false);
    assert.equal(formatText(diff, LABELS), 'meshfleet diff: base → head (fleet.yaml)\nunchanged: frankfurt, saopaulo\nno change\n');
  });

  test('reviews-v3 scaled to 2 with a new pod annotation: exact text report', () => {
    const diff = diffRendered(base, knownChange());
    assert.equal(hasChanges(diff), true);
    const text = formatText(diff, LABELS).split('\n');
    assert.deepEqual(text.slice(0, text.indexOf('overview (FLEET.md)') + 3), [
      'meshfleet diff: base → head (fleet.yaml)',
      'saopaulo: 1 added, 1 changed, 0 removed',
      'unchanged: frankfurt',
      'overview: FLEET.md changed',
      '',
      'saopaulo',
      '  apps',
      '    ~ Deployment bookinfo/reviews-v3',
      '        spec.replicas: 1 → 2',
      '        spec.template.metadata.annotations.team: (none) → "reviews"',
      '    + PodDisruptionBudget bookinfo/reviews-v3',
      '',
      'overview (FLEET.md)',
      '  @@ ## Topology @@',
      '  -   cluster_saopaulo["<b>saopaulo</b> · remote of frankfurt<br/>southamerica-east1 · Osasco<br/><i>bookinfo</i><br/>reviews-v3 ×1"]',
    ]);
    // Two pods of reviews-v3 take half the spread reviews calls: the latency estimates move too.
    assert.ok(text.includes('  @@ ### `bookinfo`: users near frankfurt (europe-west3) @@'), text.join('\n'));
  });

  test('Markdown: marker first, a summary line and table, a small change open (no click), FLEET.md collapsed, no footer', () => {
    const md = formatMarkdown(diffRendered(base, knownChange()), LABELS);
    assert.ok(md.startsWith(`${COMMENT_MARKER}\n### meshfleet diff\n`));
    assert.ok(md.includes('The fleet rendered from `fleet.yaml`, `base` → head: **1 of 2 clusters change** (objects: 1 added, 1 changed, 0 removed); FLEET.md changes.\n'), md);
    assert.ok(md.includes('| cluster | added | changed | removed |\n|---|--:|--:|--:|\n| **saopaulo** | 1 | 1 | 0 |\n'));
    assert.ok(md.includes('Unchanged: frankfurt.'));
    assert.ok(md.includes([
      '**saopaulo**',
      '',
      '```diff',
      '@@ apps @@',
      '~ Deployment bookinfo/reviews-v3',
      '-     spec.replicas: 1',
      '+     spec.replicas: 2',
      '+     spec.template.metadata.annotations.team: "reviews"',
      '+ PodDisruptionBudget bookinfo/reviews-v3',
      '```',
      '',
    ].join('\n')), md);
    assert.ok(md.includes('<details><summary><b>FLEET.md</b> (topology, placement, request paths, region failure)</summary>'));
    assert.equal(md.includes('<details><summary><b>saopaulo'), false, 'a small change is not behind a click');
    assert.equal(md.includes('exit 0 no change'), false, 'no footer about exit codes');
    assert.equal(formatMarkdown(diffRendered(base, base), LABELS).includes('**No change** to any cluster'), true);
  });

  test('a change longer than openLines is one click away, its title still in view', () => {
    const md = formatMarkdown(diffRendered(base, knownChange()), LABELS, { openLines: 3 });
    assert.ok(md.includes('**saopaulo**\n\n<details><summary>2 object changes</summary>\n\n```diff\n@@ apps @@\n'), md);
  });

  test('the same change in several clusters is one entry naming them; text and Markdown', () => {
    const diff = diffRendered(base, mesh2());
    const text = formatText(diff, LABELS);
    assert.ok(text.includes('\nsame change in 2 clusters: frankfurt, saopaulo\n  istiod\n    ~ HelmRelease istio-system/istiod-1-30-3\n        spec.values.global.meshID: "mesh1" → "mesh2"\n'), text);
    assert.equal(text.split('spec.values.global.meshID').length - 1, 1);
    const md = formatMarkdown(diff, LABELS);
    assert.ok(md.includes('**Same change in 2 clusters** (every cluster): frankfurt, saopaulo\n\n```diff\n@@ istiod @@\n~ HelmRelease istio-system/istiod-1-30-3\n'), md);
  });

  test('a shared change names the clusters where the same object changed differently', () => {
    const { fleet, rendered } = render(THREE_REGIONS);
    const path = 'clusters/saopaulo/istiod/istiod.yaml';
    const head = editDocs(renderFleet({ ...fleet, mesh: { ...fleet.mesh, id: 'mesh2' } }).files, path, (docs) => docs.map((d) => (d.kind === 'HelmRelease' ? { ...d, spec: { ...d.spec, values: { ...d.spec.values, global: { ...d.spec.values.global, meshID: 'mesh3' } } } } : d)));
    const text = formatText(diffRendered(rendered.files, head), LABELS);
    assert.ok(text.includes('\nsame change in 2 clusters: frankfurt, virginia; differs in: saopaulo\n'), text);
    assert.ok(text.includes('\nsaopaulo\n  istiod\n'), 'a one-cluster entry is titled by its cluster alone');
  });

  test('HelmRelease values are compared field by field', () => {
    const text = formatText(diffRendered(base, mesh2()), LABELS);
    assert.ok(text.includes('frankfurt: 0 added, 1 changed, 0 removed\nsaopaulo: 0 added, 1 changed, 0 removed\n'), text);
    assert.ok(text.includes('  istiod\n    ~ HelmRelease istio-system/istiod-1-30-3\n        spec.values.global.meshID: "mesh1" → "mesh2"\n'), text);
  });

  test('request paths whose hops, estimated latency or intercontinental calls change are summarized (default fleet → global frontends)', () => {
    const before = render(DEFAULT_FLEET);
    const after = render(GLOBAL_FRONTENDS);
    const diff = diffRendered(base, after.rendered.files, { base: requestPaths(before.fleet), head: requestPaths(after.fleet) });
    const ms = (paths: ReturnType<typeof requestPaths>, users: string) => Math.round(paths.find((p) => p.users === users)!.addedMs);
    const [b, a] = [requestPaths(before.fleet), requestPaths(after.fleet)];
    assert.deepEqual(diff.paths, [
      { app: 'bookinfo', users: 'frankfurt', region: 'europe-west3', before: { hops: 6, crossRegion: 2, addedMs: ms(b, 'frankfurt'), intercontinental: 2 }, after: { hops: 5, crossRegion: 0, addedMs: 0, intercontinental: 0 } },
      // The São Paulo user's first hop moves from Frankfurt to São Paulo; details and ratings still cross.
      { app: 'bookinfo', users: 'saopaulo', region: 'southamerica-east1', before: { hops: 6, crossRegion: 3, addedMs: ms(b, 'saopaulo'), intercontinental: 2 }, after: { hops: 5, crossRegion: 2, addedMs: ms(a, 'saopaulo'), intercontinental: 2 } },
    ]);
    const text = formatText(diff, LABELS);
    assert.ok(text.includes(`\nrequest path bookinfo, users near saopaulo (southamerica-east1): cross-region hops 3 of 6 → 2 of 5, est. added latency ≈ ${ms(b, 'saopaulo')} ms → ≈ ${ms(a, 'saopaulo')} ms, intercontinental calls 2 → 2\n`), text);
    const md = formatMarkdown(diff, LABELS);
    assert.ok(md.includes(`| app | users near | cross-region hops | est. added latency | intercontinental calls |\n|---|---|--:|--:|--:|\n| bookinfo | frankfurt (europe-west3) | 2 of 6 → 0 of 5 | ≈ ${ms(b, 'frankfurt')} ms → 0 ms | 2 → 0 |\n`), md);
    assert.deepEqual(diffRendered(base, base, { base: b, head: b }).paths, []);
  });

  test('a new cluster is all added; a removed one all removed', () => {
    const withTokyo = new Map(base);
    for (const [path, content] of base) if (path.startsWith('clusters/saopaulo/')) withTokyo.set(path.replace('clusters/saopaulo/', 'clusters/tokyo/'), content);
    const objects = diffRendered(base, withTokyo).clusters.find((c) => c.cluster === 'tokyo')!;
    assert.equal(objects.status, 'new');
    assert.ok(objects.counts.added > 5 && objects.counts.changed === 0);
    assert.match(formatText(diffRendered(base, withTokyo), LABELS), /\ntokyo \(new cluster\): \d+ added, 0 changed, 0 removed\nunchanged: frankfurt, saopaulo\n/);
    assert.match(formatText(diffRendered(withTokyo, base), LABELS), /\ntokyo \(removed cluster\): 0 added, 0 changed, \d+ removed\n/);
  });

  test('a text on both sides is parsed once: the sides share its objects, each placed in its own cluster, layer and file', () => {
    const text = base.get('clusters/frankfurt/apps/bookinfo-services.yaml')!;
    const parsed: ParsedTexts = new Map();
    const before = parseRendered(new Map([['clusters/frankfurt/apps/bookinfo-services.yaml', text]]), parsed);
    const after = parseRendered(new Map([['clusters/tokyo/mesh/moved.yaml', text], ['clusters/tokyo/mesh/other.yaml', 'kind: ConfigMap\n']]), parsed);
    assert.equal(parsed.size, 2);
    assert.ok(before.length > 1 && after.length === before.length + 1);
    before.forEach((o, i) => assert.equal(after[i]!.body, o.body, `${o.kind} ${o.name}: one parsed object`));
    assert.deepEqual(after.map((o) => `${o.cluster} ${o.layer} ${o.file} ${o.kind}`), [...before.map((o) => `tokyo mesh clusters/tokyo/mesh/moved.yaml ${o.kind}`), 'tokyo mesh clusters/tokyo/mesh/other.yaml ConfigMap']);
    assert.throws(() => parseRendered(new Map([['clusters/tokyo/mesh/bad.yaml', 'a: [\n']]), parsed), /^Error: clusters\/tokyo\/mesh\/bad\.yaml: /);
    assert.equal(parsed.size, 2, 'a text that does not parse is not kept');
  });

  test('objects reordered within a file: no object change, the file is listed as rearranged', () => {
    const path = 'clusters/frankfurt/apps/bookinfo-services.yaml';
    const diff = diffRendered(base, editDocs(base, path, (docs) => [...docs].reverse()));
    const frankfurt = diff.clusters.find((c) => c.cluster === 'frankfurt')!;
    assert.deepEqual(frankfurt.changes, []);
    assert.deepEqual(frankfurt.layoutOnly, [path]);
    assert.equal(hasChanges(diff), true);
  });

  test('Markdown stays under the comment limit: long values are cut, what does not fit is named and left out', () => {
    const head = editDocs(base, 'clusters/frankfurt/apps/bookinfo-services.yaml', (docs) => docs.map((d) => ({ ...d, metadata: { ...d.metadata, annotations: { note: 'n'.repeat(5000) } } })));
    const md = formatMarkdown(diffRendered(base, head), LABELS, { maxValue: 40 });
    assert.ok(md.includes(`+     metadata.annotations: {"note":"${'n'.repeat(30)}…`), md);
    const small = formatMarkdown(diffRendered(base, knownChange()), LABELS, { maxChars: 1200 });
    assert.ok(small.length <= 1200);
    assert.match(small, /\n_Cut to fit a comment: the FLEET\.md diff left out; run `npm run diff -- --base base` for the full report\._\n/);
    assert.match(formatMarkdown(diffRendered(base, knownChange()), LABELS, { maxChars: 1200, reportUrl: 'https://example.com/r' }), /; the full report: https:\/\/example\.com\/r\._\n/);
  });
});

describe('the two renders of diff (scripts/review/render-sides.ts)', () => {
  const fleet = loadFleet(THREE_REGIONS);
  const full = (f: typeof fleet) => renderFleet(f, { documents: true });

  test("REF's render takes every cluster the change does not reach from the working tree's, with the bytes and documents of full renders", () => {
    // REF: saopaulo's workloads at 5 replicas; the working tree: as the file says.
    const base = { ...fleet, apps: fleet.apps.map((a) => ({ ...a, placements: a.placements.map((p) => (p.cluster === 'saopaulo' ? { ...p, replicas: 5, autoscaling: undefined } : p)) })) };
    const sides = renderSides(fleet, base, { head: 'head', base: 'base' });
    assert.deepEqual(sides.base.reused, ['frankfurt', 'virginia']);
    assert.deepEqual(sides.head.reused, []);
    const [head, baseFull] = [full(fleet), full(base)];
    assert.deepEqual([...sides.head.files], [...head.files]);
    assert.deepEqual([...sides.base.files], [...baseFull.files]);
    // Documents for what was rendered: saopaulo's files on REF's side, every file on the working tree's.
    assert.deepEqual([...sides.head.documents!], [...head.documents!]);
    assert.deepEqual([...sides.base.documents!], [...baseFull.documents!].filter(([path]) => path.startsWith('clusters/saopaulo/')));
    assert.deepEqual(sides.base.paths, requestPaths(base));
    const diff = diffRendered(sides.base.files, sides.head.files, { base: sides.base.paths, head: sides.head.paths }, { base: sides.base.documents, head: sides.head.documents });
    assert.equal(formatText(diff, LABELS), formatText(diffRendered(baseFull.files, head.files, { base: requestPaths(base), head: requestPaths(fleet) }), LABELS));
  });

  test('a REF whose fleet renders the same takes the whole render; a REF without the fleet file has nothing', () => {
    const same = renderSides(fleet, { ...fleet, file: '/elsewhere/fleet.yaml' }, { head: 'head', base: 'base' });
    assert.equal(same.base.files, same.head.files);
    assert.deepEqual(same.base.reused, ['frankfurt', 'saopaulo', 'virginia']);
    const none = renderSides(fleet, undefined, { head: 'head', base: 'base' });
    assert.deepEqual([none.base.files.size, none.base.fleet], [0, undefined]);
  });
});

describe('REF\'s config loads from the working tree\'s parse memos', () => {
  test('memos of files in the work tree are keyed as the same files in the checkout; others are left out', () => {
    const root = realpathSync(tempDir());
    const checkout = realpathSync(tempDir());
    const memo = (text: string): SourceMemo => ({ text, data: {}, units: [] });
    const memos = new Map([
      [join(root, 'config/fleet.yaml'), memo('fleet')],
      [join(root, 'config/apps/bookinfo.yaml'), memo('bookinfo')],
      [`${root}-other/config/fleet.yaml`, memo('a sibling folder whose name starts the same')],
      ['/etc/elsewhere.yaml', memo('outside')],
    ]);
    const inCheckout = memosIn(memos, root, checkout);
    assert.deepEqual([...inCheckout.keys()], [join(checkout, 'config/fleet.yaml'), join(checkout, 'config/apps/bookinfo.yaml')]);
    assert.equal(inCheckout.get(join(checkout, 'config/fleet.yaml'))!.text, 'fleet');
  });

  test('a memo of the working tree\'s text loads REF\'s edited text as a full parse does', () => {
    const work = tempDir();
    const checkout = tempDir();
    // The config folder as a checkout has it: the fleet file and its app definitions.
    for (const dir of [work, checkout]) cpSync(join(ROOT, 'config/apps'), join(dir, 'config/apps'), { recursive: true });
    const text = readFileSync(DEFAULT_FLEET, 'utf8');
    writeFileSync(join(work, 'config/fleet.yaml'), text);
    // REF: one placement scaled (an edit inside one entry), the rest as in the working tree.
    const edited = text.replace('reviews-v3: {}', 'reviews-v3: { replicas: 3 }');
    assert.notEqual(edited, text, 'the edit applies');
    writeFileSync(join(checkout, 'config/fleet.yaml'), edited);
    const memos: SourceMemos = new Map();
    loadFleet(join(work, 'config/fleet.yaml'), { memos });
    const inCheckout = memosIn(memos, realpathSync(work), realpathSync(checkout));
    const fromMemos = loadFleet(join(checkout, 'config/fleet.yaml'), { memos: inCheckout });
    assert.deepEqual(fromMemos, loadFleet(join(checkout, 'config/fleet.yaml')));
    // The app definition, the same in both, was taken from the working tree's memo, not parsed.
    const app = (dir: string) => join(realpathSync(dir), 'config/apps/bookinfo.yaml');
    assert.ok(memos.get(app(work))?.valid, 'the working tree\'s load kept its validated definition');
    assert.equal(inCheckout.get(app(checkout)), memos.get(app(work)));
  });
});
