/**
 * A local fake of the Compute Engine REST API, just enough for the gcloud commands of the network
 * steps (networks, subnetworks, firewalls, routers: get, insert, patch, delete; the aggregated
 * list of subnetworks), reached through gcloud's documented endpoint override. Operations are
 * returned already DONE.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const COLLECTIONS = ['networks', 'subnetworks', 'firewalls', 'routers'] as const;
type Collection = (typeof COLLECTIONS)[number];

/** One request the fake saw. */
export interface ComputeCall {
  readonly method: string;
  readonly path: string;
  readonly body?: any;
}

export class FakeCompute {
  /** Every request, in order. */
  readonly calls: ComputeCall[] = [];
  /** Resources by `projects/P/(global|regions/R)/COLLECTION/NAME`. */
  readonly resources = new Map<string, Record<string, any>>();
  private readonly operations = new Map<string, Record<string, unknown>>();

  private constructor(private readonly server: Server, readonly port: number) {}

  /** Starts a fake on 127.0.0.1 and a free port. */
  static async start(): Promise<FakeCompute> {
    let fake: FakeCompute | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeCompute(server, (server.address() as AddressInfo).port);
    return fake;
  }

  /** `127.0.0.1:PORT`, the value for COMPUTE_EMULATOR_HOST. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Requests that created or changed something. */
  writes(): ComputeCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private link(path: string): string {
    return `http://127.0.0.1:${this.port}/compute/v1/${path}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/compute\/v1\//, '');
    const body = text ? JSON.parse(text) : undefined;
    this.calls.push({ method: req.method ?? 'GET', path, ...(body ? { body } : {}) });
    const send = (code: number, value: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const notFound = () => send(404, { error: { code: 404, message: `The resource '${path}' was not found`, errors: [{ reason: 'notFound', message: `The resource '${path}' was not found` }] } });

    // gcloud waits on some operations even when they come back DONE.
    const op = /^projects\/[^/]+\/(?:global|regions\/[^/]+)\/operations\/([^/]+)(?:\/wait)?$/.exec(path);
    if (op) {
      const found = this.operations.get(op[1]!);
      return found ? send(200, found) : notFound();
    }
    // `gcloud compute networks subnets list`: every region's subnets at once.
    const aggregated = /^projects\/([^/]+)\/aggregated\/subnetworks$/.exec(path);
    if (aggregated && req.method === 'GET') {
      const items: Record<string, { subnetworks: unknown[] }> = {};
      for (const [key, value] of this.resources) {
        const m = /^projects\/[^/]+\/regions\/([^/]+)\/subnetworks\//.exec(key);
        if (key.startsWith(`projects/${aggregated[1]}/`) && m) (items[`regions/${m[1]}`] ??= { subnetworks: [] }).subnetworks.push(value);
      }
      return send(200, { kind: 'compute#subnetworkAggregatedList', items });
    }
    // projects/P/global/C[/NAME] or projects/P/regions/R/C[/NAME]
    const m = /^projects\/([^/]+)\/(global|regions\/([^/]+))\/([a-zA-Z]+)(?:\/([^/]+))?$/.exec(path);
    if (!m || !(COLLECTIONS as readonly string[]).includes(m[4]!)) return notFound();
    const [, project, scope, region, collection, name] = m as unknown as [string, string, string, string | undefined, Collection, string | undefined];
    const base = `projects/${project}/${scope}/${collection}`;
    if (req.method === 'GET' && name) {
      const found = this.resources.get(`${base}/${name}`);
      return found ? send(200, found) : notFound();
    }
    if (req.method === 'POST' && !name && body?.name) {
      const key = `${base}/${body.name}`;
      if (this.resources.has(key)) {
        return send(409, { error: { code: 409, message: `The resource '${key}' already exists`, errors: [{ reason: 'alreadyExists', message: `The resource '${key}' already exists` }] } });
      }
      this.resources.set(key, { kind: `compute#${collection.replace(/s$/, '')}`, id: String(1000 + this.resources.size), ...body, selfLink: this.link(key), ...(region ? { region: this.link(`projects/${project}/regions/${region}`) } : {}) });
      return send(200, this.operation(project, region, 'insert', key));
    }
    if (req.method === 'DELETE' && name) {
      const key = `${base}/${name}`;
      if (!this.resources.delete(key)) return notFound();
      return send(200, this.operation(project, region, 'delete', key));
    }
    if (req.method === 'PATCH' && name) {
      const key = `${base}/${name}`;
      const found = this.resources.get(key);
      if (!found) return notFound();
      this.resources.set(key, { ...found, ...body });
      return send(200, this.operation(project, region, 'patch', key));
    }
    return notFound();
  }

  /** A finished operation, as gcloud's waiter expects (it reads operationType and fetches targetLink). */
  private operation(project: string, region: string | undefined, type: string, target: string): Record<string, unknown> {
    const name = `operation-${this.operations.size + 1}`;
    const scope = region ? `regions/${region}` : 'global';
    const op = {
      kind: 'compute#operation', id: String(this.operations.size + 1), name, operationType: type, status: 'DONE', progress: 100,
      targetLink: this.link(target), selfLink: this.link(`projects/${project}/${scope}/operations/${name}`),
      ...(region ? { region: this.link(`projects/${project}/regions/${region}`) } : {}),
    };
    this.operations.set(name, op);
    return op;
  }
}
