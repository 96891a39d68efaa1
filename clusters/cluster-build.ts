import { App, Chart } from 'cdk8s';
import type { Cluster, Fleet } from '../config/model.ts';
import type { LayerId } from './layers.ts';

/** A chart and the file (without `.yaml`) its objects are written to. */
export interface LayerFile {
  readonly file: string;
  /** The chart to synthesize; none when `memo` already holds the file's text. */
  readonly chart?: Chart;
  /** For a file built by `memoFile`: the shared entry of its inputs. */
  readonly memo?: MemoEntry;
}

/** A file's text and object count, once some cluster has rendered it from the same inputs. */
export interface MemoEntry {
  text?: string;
  objects?: number;
  /** Its documents' digest, when the render makes digests (render.ts `ClusterRender.digests`). */
  digest?: string;
  /** Its documents' JSON, when the render returns them (render.ts `RenderedFleet.documents`). */
  jsons?: readonly string[];
}

/**
 * Files by what they were built from (`memoFile`), shared by every cluster of one render: a file
 * that repeats from cluster to cluster (the same Services, the same workloads) is constructed,
 * resolved and serialized once, not once per cluster.
 */
export type FileMemo = Map<string, MemoEntry>;

/**
 * One cluster's cdk8s App, with each chart filed under the Flux layer it belongs to.
 * Contributions (clusters/contributions.ts) add charts; render.ts turns them into files:
 * one chart → `<layer>/<file>.yaml`.
 */
export class ClusterBuild {
  readonly app = new App({ recordConstructMetadata: false });
  private readonly files = new Map<LayerId, LayerFile[]>();

  constructor(
    readonly fleet: Fleet,
    readonly cluster: Cluster,
    private readonly memo: FileMemo = new Map(),
  ) {}

  /**
   * A new chart in `layer` whose objects land in `<layer>/<file>.yaml`. `make` receives the scope
   * and construct id; by default a plain Chart. Object names are always set explicitly, so name
   * hashes are disabled as a safety net.
   */
  chart<T extends Chart = Chart>(layer: LayerId, file: string, make?: (scope: App, id: string) => T): T {
    const id = `${layer}-${file}`;
    const chart = make ? make(this.app, id) : (new Chart(this.app, id, { disableResourceNameHashes: true }) as T);
    this.add(layer, { file, chart });
    return chart;
  }

  /**
   * A file of `layer` whose objects are a pure function of `inputs`: `fill` adds them to a fresh
   * chart. Built once per distinct `kind` and `inputs` in the whole render (see FileMemo); every
   * other cluster with the same inputs gets the same bytes without constructing anything. `inputs`
   * must hold everything `fill` reads (it is compared as JSON), and `kind` names what `fill` does.
   */
  memoFile<I>(layer: LayerId, file: string, kind: string, inputs: I, fill: (chart: Chart, inputs: I) => void): void {
    const key = `${kind}\0${JSON.stringify(inputs)}`;
    let entry = this.memo.get(key);
    if (entry?.text !== undefined) {
      this.add(layer, { file, memo: entry });
      return;
    }
    if (!entry) {
      entry = {};
      this.memo.set(key, entry);
    }
    const chart = new Chart(this.app, `${layer}-${file}`, { disableResourceNameHashes: true });
    fill(chart, inputs);
    this.add(layer, { file, chart, memo: entry });
  }

  private add(layer: LayerId, entry: LayerFile): void {
    const list = this.files.get(layer) ?? [];
    if (list.some((f) => f.file === entry.file)) throw new Error(`layer ${layer} of ${this.cluster.name} already has a file ${entry.file}.yaml`);
    list.push(entry);
    this.files.set(layer, list);
  }

  /** Layers with at least one chart, each with its files in the order they were added. */
  layers(): ReadonlyMap<LayerId, readonly LayerFile[]> {
    return this.files;
  }
}

/** A contribution adds what one concern needs (Istio, an app, …) to a cluster's build. */
export type Contribution = (build: ClusterBuild) => void;
