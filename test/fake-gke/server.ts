/**
 * A local fake of the GKE API (`google.container.v1.ClusterManager`) over plaintext gRPC:
 * CreateCluster, GetCluster, ListClusters and GetOperation against in-memory state, with
 * operations that finish after a number of polls, and fault injection per method.
 */
import {
  Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { clusterManagerService } from './proto.ts';

export type Method = 'CreateCluster' | 'GetCluster' | 'ListClusters' | 'GetOperation';

/** An injected failure, or a side effect run just before the normal answer (e.g. a concurrent creator). */
export type Fault = { readonly code: status; readonly details?: string } | { readonly run: () => void };

/** A cluster as the fake holds it: what the request asked for, plus status. */
export type FakeCluster = Record<string, any> & { name: string; status: string };

interface FakeOperation {
  readonly op: Record<string, any>;
  readonly clusterPath: string;
  polls: number;
  readonly error?: { code: number; message: string };
}

export interface FakeGkeOptions {
  /** GetOperation polls until a CREATE_CLUSTER operation is DONE (and GetCluster polls until a seeded PROVISIONING cluster is RUNNING). @default 2 */
  readonly pollsToDone?: number;
}

const PARENT = /^projects\/([^/]+)\/locations\/([^/]+)$/;
const CLUSTER = /^projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/;
const OPERATION = /^projects\/([^/]+)\/locations\/([^/]+)\/operations\/([^/]+)$/;

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
    const id = `operation-${++this.opCounter}-${name}`;
    const op = {
      name: id, operationType: 'CREATE_CLUSTER', status: 'RUNNING', location: parent[2],
      selfLink: `https://container.googleapis.com/v1/${request.parent}/operations/${id}`,
      targetLink: `https://container.googleapis.com/v1/${path}`,
      startTime: new Date().toISOString(),
    };
    const error = this.failingOps.get(name);
    this.operations.set(id, { op, clusterPath: path, polls: 0, ...(error ? { error } : {}) });
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
        cluster.status = 'RUNNING';
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
