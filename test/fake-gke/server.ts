/**
 * A local fake of the GKE API (`google.container.v1.ClusterManager`) over plaintext gRPC:
 * CreateCluster, DeleteCluster, GetCluster, ListClusters, GetOperation and the node pool calls
 * provisioning makes (CreateNodePool, DeleteNodePool, SetNodePoolAutoscaling, UpdateNodePool)
 * against in-memory state, with operations that finish after a number of polls, one operation at
 * a time per cluster (as GKE: a second one fails FAILED_PRECONDITION), and fault injection per
 * method.
 */
import {
  Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { clusterManagerService } from './proto.ts';

export type Method =
  | 'CreateCluster' | 'DeleteCluster' | 'GetCluster' | 'ListClusters' | 'GetOperation'
  | 'CreateNodePool' | 'DeleteNodePool' | 'SetNodePoolAutoscaling' | 'UpdateNodePool';

/** Methods that change something (each returns an operation). */
export const WRITE_METHODS: readonly Method[] = ['CreateCluster', 'DeleteCluster', 'CreateNodePool', 'DeleteNodePool', 'SetNodePoolAutoscaling', 'UpdateNodePool'];

/** An injected failure, or a side effect run just before the normal answer (e.g. a concurrent creator). */
export type Fault = { readonly code: status; readonly details?: string } | { readonly run: () => void };

/** A cluster as the fake holds it: what the request asked for, plus status. */
export type FakeCluster = Record<string, any> & { name: string; status: string };

interface FakeOperation {
  readonly op: Record<string, any>;
  readonly clusterPath: string;
  polls: number;
  readonly error?: { code: number; message: string };
  /** Applies the operation's effect when it is DONE (not for a failed create). */
  readonly finish: () => void;
}

export interface FakeGkeOptions {
  /** GetOperation polls until a CREATE_CLUSTER operation is DONE (and GetCluster polls until a seeded PROVISIONING cluster is RUNNING). @default 2 */
  readonly pollsToDone?: number;
}

const PARENT = /^projects\/([^/]+)\/locations\/([^/]+)$/;
const CLUSTER = /^projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/;
const OPERATION = /^projects\/([^/]+)\/locations\/([^/]+)\/operations\/([^/]+)$/;
const NODE_POOL = /^(projects\/[^/]+\/locations\/[^/]+\/clusters\/[^/]+)\/nodePools\/([^/]+)$/;

export class FakeGke {
  /** Every call received, in order, with its decoded request. */
  readonly calls: { method: Method; request: any }[] = [];
  /** Clusters by `projects/P/locations/L/clusters/NAME`. */
  readonly clusters = new Map<string, FakeCluster>();
  private readonly operations = new Map<string, FakeOperation>();
  private readonly faults = new Map<Method, Fault[]>();
  private readonly failingOps = new Map<string, { code: number; message: string }>();
  /** Clusters "someone else" is creating: they turn RUNNING after some GetCluster reads. */
  private readonly foreign = new Map<string, number>();
  private opCounter = 0;
  private readonly pollsToDone: number;

  private constructor(private readonly server: Server, readonly port: number, options: FakeGkeOptions) {
    this.pollsToDone = options.pollsToDone ?? 2;
  }

  /** Starts a fake on 127.0.0.1 and a free port. */
  static async start(options: FakeGkeOptions = {}): Promise<FakeGke> {
    const server = new Server();
    let fake: FakeGke | undefined;
    const impl = (method: Method, handler: (fake: FakeGke, request: any) => unknown): UntypedServiceImplementation[string] =>
      (call: ServerUnaryCall<any, any>, callback: sendUnaryData<any>) => fake!.handle(method, call.request, callback, handler);
    server.addService(clusterManagerService(), {
      createCluster: impl('CreateCluster', (f, r) => f.createCluster(r)),
      getCluster: impl('GetCluster', (f, r) => f.getCluster(r)),
      listClusters: impl('ListClusters', (f, r) => f.listClusters(r)),
      getOperation: impl('GetOperation', (f, r) => f.getOperation(r)),
      deleteCluster: impl('DeleteCluster', (f, r) => f.deleteCluster(r)),
      createNodePool: impl('CreateNodePool', (f, r) => f.createNodePool(r)),
      deleteNodePool: impl('DeleteNodePool', (f, r) => f.deleteNodePool(r)),
      setNodePoolAutoscaling: impl('SetNodePoolAutoscaling', (f, r) => f.setNodePoolAutoscaling(r)),
      updateNodePool: impl('UpdateNodePool', (f, r) => f.updateNodePool(r)),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    fake = new FakeGke(server, port, options);
    return fake;
  }

  /** `127.0.0.1:PORT`, the value for GKE_EMULATOR_HOST. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Queues faults for `method`: each call takes the next one, until the queue is empty. */
  fail(method: Method, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  /** The CREATE_CLUSTER operation of cluster `name` will end DONE with this error (and the cluster in ERROR). */
  failOperation(name: string, error: { code: number; message: string }): void {
    this.failingOps.set(name, error);
  }

  /** Puts a cluster in place as if someone had created it. */
  seedCluster(project: string, location: string, cluster: Record<string, any> & { name: string }, clusterStatus = 'RUNNING'): FakeCluster {
    const stored: FakeCluster = { ...structuredClone(cluster), status: clusterStatus, location };
    const path = `projects/${project}/locations/${location}/clusters/${cluster.name}`;
    this.clusters.set(path, stored);
    this.foreign.set(path, 0);
    return stored;
  }

  /** Calls that change something, as `Method name` (the cluster or node pool path), in order. */
  writes(): string[] {
    return this.calls.filter((c) => WRITE_METHODS.includes(c.method)).map(({ method, request: r }) => {
      const target = method === 'CreateCluster' ? `${r.parent}/clusters/${r.cluster?.name}`
        : method === 'CreateNodePool' ? `${r.parent}/nodePools/${r.nodePool?.name}` : r.name;
      return `${method} ${target}`;
    });
  }

  /** Calls received for `method`. */
  requests(method: Method): any[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  /** Forgets the calls seen so far (state stays). */
  resetCalls(): void {
    this.calls.length = 0;
  }

  /** Back to an empty project: no clusters, operations, queued faults or calls. */
  reset(): void {
    this.resetCalls();
    this.clusters.clear();
    this.operations.clear();
    this.faults.clear();
    this.failingOps.clear();
    this.foreign.clear();
  }

  /** Stops the server, cutting open calls. */
  async close(): Promise<void> {
    this.server.forceShutdown();
  }

  private handle(method: Method, request: any, callback: sendUnaryData<any>, handler: (fake: FakeGke, request: any) => unknown): void {
    this.calls.push({ method, request });
    const fault = this.faults.get(method)?.shift();
    if (fault && 'code' in fault) {
      callback({ code: fault.code, details: fault.details ?? `injected ${status[fault.code]}` });
      return;
    }
    if (fault) fault.run();
    try {
      callback(null, handler(this, request));
    } catch (err) {
      if (err instanceof RpcError) callback({ code: err.code, details: err.message });
      else callback({ code: status.INTERNAL, details: String(err) });
    }
  }

  private createCluster(request: any): unknown {
    const parent = PARENT.exec(request.parent ?? '');
    if (!parent) throw new RpcError(status.INVALID_ARGUMENT, `parent must be projects/P/locations/L (got ${JSON.stringify(request.parent)})`);
    const name = request.cluster?.name;
    if (!name) throw new RpcError(status.INVALID_ARGUMENT, 'cluster.name is required');
    const path = `${request.parent}/clusters/${name}`;
    // The real API's wording (HTTP 409 / gRPC ALREADY_EXISTS).
    if (this.clusters.has(path)) throw new RpcError(status.ALREADY_EXISTS, `Already exists: ${path}.`);
    this.clusters.set(path, { ...structuredClone(request.cluster), status: 'PROVISIONING', location: parent[2] });
    const cluster = this.clusters.get(path)!;
    return this.operation('CREATE_CLUSTER', path, path, () => (cluster.status = 'RUNNING'), this.failingOps.get(name));
  }

  private deleteCluster(request: any): unknown {
    const path = this.existingCluster(request.name);
    const cluster = this.clusters.get(path)!;
    this.idle(path, cluster);
    cluster.status = 'STOPPING';
    return this.operation('DELETE_CLUSTER', path, path, () => this.clusters.delete(path));
  }

  private createNodePool(request: any): unknown {
    const path = this.existingCluster(request.parent);
    const cluster = this.clusters.get(path)!;
    const pool = request.nodePool;
    if (!pool?.name) throw new RpcError(status.INVALID_ARGUMENT, 'nodePool.name is required');
    if ((cluster.nodePools ?? []).some((p: any) => p.name === pool.name)) throw new RpcError(status.ALREADY_EXISTS, `Already exists: ${path}/nodePools/${pool.name}.`);
    this.idle(path, cluster);
    return this.poolOperation('CREATE_NODE_POOL', path, cluster, `${path}/nodePools/${pool.name}`, () => {
      cluster.nodePools = [...(cluster.nodePools ?? []), { ...structuredClone(pool), status: 'RUNNING' }];
    });
  }

  private deleteNodePool(request: any): unknown {
    const [path, cluster, pool] = this.existingPool(request.name);
    return this.poolOperation('DELETE_NODE_POOL', path, cluster, request.name, () => {
      cluster.nodePools = cluster.nodePools.filter((p: any) => p !== pool);
    });
  }

  private setNodePoolAutoscaling(request: any): unknown {
    const [path, cluster, pool] = this.existingPool(request.name);
    return this.poolOperation('SET_NODE_POOL_SIZE', path, cluster, request.name, () => (pool.autoscaling = structuredClone(request.autoscaling)));
  }

  private updateNodePool(request: any): unknown {
    const [path, cluster, pool] = this.existingPool(request.name);
    return this.poolOperation('UPDATE_NODE_POOL', path, cluster, request.name, () => {
      pool.config = { ...pool.config, ...(request.machineType ? { machineType: request.machineType } : {}), ...(request.diskSizeGb ? { diskSizeGb: request.diskSizeGb } : {}) };
    });
  }

  /** The path of an existing cluster; NOT_FOUND (GKE's wording) otherwise. */
  private existingCluster(name: string | undefined): string {
    if (!CLUSTER.test(name ?? '')) throw new RpcError(status.INVALID_ARGUMENT, `name must be projects/P/locations/L/clusters/C (got ${JSON.stringify(name)})`);
    if (!this.clusters.has(name!)) throw new RpcError(status.NOT_FOUND, `Not found: ${name}.`);
    return name!;
  }

  private existingPool(name: string | undefined): [string, FakeCluster, any] {
    const match = NODE_POOL.exec(name ?? '');
    if (!match) throw new RpcError(status.INVALID_ARGUMENT, `name must be projects/P/locations/L/clusters/C/nodePools/N (got ${JSON.stringify(name)})`);
    const path = this.existingCluster(match[1]);
    const cluster = this.clusters.get(path)!;
    const pool = (cluster.nodePools ?? []).find((p: any) => p.name === match[2]);
    if (!pool) throw new RpcError(status.NOT_FOUND, `Not found: ${name}.`);
    this.idle(path, cluster);
    return [path, cluster, pool];
  }

  /** GKE runs one operation at a time per cluster; a second one is refused. */
  private idle(path: string, cluster: FakeCluster): void {
    const busy = [...this.operations.values()].find((o) => o.clusterPath === path && o.op.status !== 'DONE');
    if (busy || cluster.status !== 'RUNNING') {
      throw new RpcError(status.FAILED_PRECONDITION, `Cluster is running incompatible operation ${busy?.op.name ?? cluster.status}.`);
    }
  }

  /** A node pool operation: the cluster is RECONCILING until it is DONE. */
  private poolOperation(type: string, path: string, cluster: FakeCluster, target: string, effect: () => void): unknown {
    cluster.status = 'RECONCILING';
    return this.operation(type, path, target, () => {
      effect();
      cluster.status = 'RUNNING';
    });
  }

  /** A RUNNING operation on the cluster at `path` that finishes after `pollsToDone` polls. */
  private operation(type: string, path: string, target: string, finish: () => void, error?: { code: number; message: string }): unknown {
    const location = CLUSTER.exec(path)![2]!;
    const parent = path.replace(/\/clusters\/[^/]+$/, '');
    const id = `operation-${++this.opCounter}-${path.split('/').pop()}`;
    const op = {
      name: id, operationType: type, status: 'RUNNING', location,
      selfLink: `https://container.googleapis.com/v1/${parent}/operations/${id}`,
      targetLink: `https://container.googleapis.com/v1/${target}`,
      startTime: new Date().toISOString(),
    };
    this.operations.set(id, { op, clusterPath: path, polls: 0, finish, ...(error ? { error } : {}) });
    return op;
  }

  private getOperation(request: any): unknown {
    const match = OPERATION.exec(request.name ?? '');
    if (!match) throw new RpcError(status.INVALID_ARGUMENT, `name must be projects/P/locations/L/operations/OP (got ${JSON.stringify(request.name)})`);
    const entry = this.operations.get(match[3]!);
    if (!entry) throw new RpcError(status.NOT_FOUND, `operation ${match[3]} not found`);
    entry.polls += 1;
    if (entry.polls >= this.pollsToDone && entry.op.status !== 'DONE') {
      entry.op.status = 'DONE';
      entry.op.endTime = new Date().toISOString();
      const cluster = this.clusters.get(entry.clusterPath)!;
      if (entry.error) {
        entry.op.error = entry.error;
        cluster.status = 'ERROR';
        cluster.statusMessage = entry.error.message;
      } else {
        entry.finish();
      }
    }
    return entry.op;
  }

  private getCluster(request: any): unknown {
    if (!CLUSTER.test(request.name ?? '')) throw new RpcError(status.INVALID_ARGUMENT, `name must be projects/P/locations/L/clusters/C (got ${JSON.stringify(request.name)})`);
    const cluster = this.clusters.get(request.name);
    if (!cluster) throw new RpcError(status.NOT_FOUND, `Not found: ${request.name}.`);
    // A cluster made by "someone else" (seeded PROVISIONING, or a concurrent creator) finishes after some reads.
    const reads = this.foreign.get(request.name);
    if (cluster.status === 'PROVISIONING' && reads !== undefined) {
      this.foreign.set(request.name, reads + 1);
      if (reads + 1 >= this.pollsToDone) cluster.status = 'RUNNING';
    }
    return cluster;
  }

  private listClusters(request: any): unknown {
    const parent = PARENT.exec(request.parent ?? '');
    if (!parent) throw new RpcError(status.INVALID_ARGUMENT, `parent must be projects/P/locations/L (got ${JSON.stringify(request.parent)})`);
    const [, project, location] = parent;
    const clusters = [...this.clusters.entries()]
      .filter(([path]) => path.startsWith(`projects/${project}/locations/${location === '-' ? '' : `${location}/`}`))
      .map(([, c]) => c);
    return { clusters, missingZones: [] };
  }
}

class RpcError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
  }
}
