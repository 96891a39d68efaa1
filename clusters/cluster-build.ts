import { App, Chart } from 'cdk8s';
import type { Cluster, Fleet } from '../config/model.ts';
import type { LayerId } from './layers.ts';

/** A chart and the file (without `.yaml`) its objects are written to. */
export interface LayerFile {
  readonly file: string;
  readonly chart: Chart;
}

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
  ) {}

  /**
   * A new chart in `layer` whose objects land in `<layer>/<file>.yaml`. `make` receives the scope
   * and construct id; by default a plain Chart. Object names are always set explicitly, so name
   * hashes are disabled as a safety net.
   */
  chart<T extends Chart = Chart>(layer: LayerId, file: string, make?: (scope: App, id: string) => T): T {
    const list = this.files.get(layer) ?? [];
    if (list.some((f) => f.file === file)) throw new Error(`layer ${layer} of ${this.cluster.name} already has a file ${file}.yaml`);
    const id = `${layer}-${file}`;
    const chart = make ? make(this.app, id) : (new Chart(this.app, id, { disableResourceNameHashes: true }) as T);
    list.push({ file, chart });
    this.files.set(layer, list);
    return chart;
  }

  /** Layers with at least one chart, each with its files in the order they were added. */
  layers(): ReadonlyMap<LayerId, readonly LayerFile[]> {
    return this.files;
  }
}

/** A contribution adds what one concern needs (Istio, an app, …) to a cluster's build. */
export type Contribution = (build: ClusterBuild) => void;
