/**
 * What `synth` does, from the fleet file to the written output and the synth cache: load (from
 * the parse memos of the last synth), render (only the clusters whose inputs changed), write
 * (reading only files touched since), and keep the cache for the next. `synth` runs it for the
 * user; the benchmark's synth child runs the same sequence and times its phases.
 */
import { renderFleet, type RenderedFleet } from '../../clusters/render.ts';
import type { LoadOptions } from '../../config/load.ts';
import type { Fleet } from '../../config/model.ts';
import { knownFiles, loadRenderCache, saveRenderCache } from './render-cache.ts';
import { writeTree, type WriteSummary } from './write-tree.ts';

export interface SynthesizeOptions {
  readonly config: string;
  readonly out: string;
  /** Loads the fleet file (`loadFleet`, or the CLI's, which prints warnings). */
  readonly load: (file: string, options: LoadOptions) => Fleet;
  /** Where dist lives in the git repository; Flux paths are built from it. */
  readonly distInRepo: string;
  /**
   * The synth cache: `salt` is the code's fingerprint (`codeFingerprint`), `root` the project
   * whose node_modules/.cache holds it; with `read: false` the last synth's cache is not used
   * (`synth --full`) but this one's is kept.
   * @default - none: every file parsed and every cluster rendered, nothing kept
   */
  readonly cache?: { readonly salt: string; readonly root?: string; readonly read?: boolean };
  /** Render FLEET.md too. @default true */
  readonly overview?: boolean;
  /** Runs the write (synth holds Ctrl-C around it). @default - runs it as it is */
  readonly write?: (write: () => WriteSummary) => WriteSummary | Promise<WriteSummary>;
  /** Told as each phase ends, for timings. @default - nothing */
  readonly phaseDone?: (phase: 'load' | 'render' | 'write') => void;
}

export interface Synthesized {
  readonly fleet: Fleet;
  readonly rendered: RenderedFleet;
  readonly summary: WriteSummary;
}

export async function synthesize(options: SynthesizeOptions): Promise<Synthesized> {
  const { out, cache } = options;
  const last = cache && cache.read !== false ? loadRenderCache(out, cache.salt, cache.root) : undefined;
  const memos = cache ? last?.memos ?? new Map() : undefined;
  const fleet = options.load(options.config, { memos });
  options.phaseDone?.('load');
  const incremental = cache && { salt: cache.salt, previous: last?.clusters, previousRouting: last?.routing };
  const rendered = renderFleet(fleet, { distInRepo: options.distInRepo, overview: options.overview, incremental });
  options.phaseDone?.('render');
  // Files the last synth left and nobody touched since (same stamp) are not read again to compare.
  const write = () => writeTree(out, rendered.files, { known: last ? knownFiles(last) : undefined });
  const summary = await (options.write ?? ((w) => w()))(write);
  if (cache) saveRenderCache(out, { clusters: rendered.clusters, memos: memos!, routing: rendered.routing!, stamps: summary.stamps }, cache.salt, cache.root);
  options.phaseDone?.('write');
  return { fleet, rendered, summary };
}
