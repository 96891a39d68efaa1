/**
 * Request routing as data: per app and per region of users, the path a request takes hop by hop —
 * the ingress gateway it enters at, then each call of the app's call graph, the clusters that
 * serve it under locality routing and in what shares, each hop's estimated round-trip time and
 * egress class. FLEET.md and the PR diff only render what this computes.
 *
 * Everything is looked up in indexes built once (clusters by name and region, running placements
 * by service and by service + region); no per-cluster scan of the fleet, so a fleet of 500
 * clusters costs what its regions and services cost.
 */
import { ingressClusters, isRunning, serviceFailover, type App, type AppService, type Cluster, type Fleet, type Locality, type PlacedWorkload } from '../config/model.ts';
import { contentHash } from './content-hash.ts';
import { EGRESS_RANK, estimatedRttMs, egressClass, regionDistanceKm, type EgressClass } from '../config/regions.ts';

/** One cluster serving a call, and the part of the call's requests it gets. */
export interface Target {
  readonly cluster: string;
  readonly region: string;
  /** Fraction (0–1) of this hop's requests served here: by endpoints, per-version weights applied. */
  readonly share: number;
  /** Estimated round trip from the caller's region (0 within a region). */
  readonly rttMs: number;
  readonly egress: EgressClass;
}

/** One call of a request's path and where it is served. */
export interface Hop {
  /** The calling service, `ingress` for the ingress gateway, or `users` for the first hop. */
  readonly caller: string;
  readonly callee: string;
  /** Cluster the call starts in (one cluster stands for its region). */
  readonly from: string;
  /** Clusters whose endpoints serve the call, fleet order (several for `spread`, or a region with several clusters). */
  readonly servedBy: readonly string[];
  /** Routing of the call; `nearest` for the first hop, users → the nearest ingress gateway. */
  readonly locality: Locality | 'nearest';
  /** `yes`: every serving endpoint is in another region; `some`: part of them (spread); `no`. */
  readonly crossRegion: 'no' | 'some' | 'yes';
  /** Fraction (0–1) of the app's requests that make this call from this region. */
  readonly share: number;
  /** Where the call is served, with shares; empty when nothing runs the callee. */
  readonly targets: readonly Target[];
  /** Expected round trip this call adds: the targets' RTTs weighted by their shares. */
  readonly rttMs: number;
  /**
   * Dearest egress class among the targets. The first hop (users → ingress) is internet traffic,
   * priced as internet egress, not inter-region: `none` there.
   */
  readonly egress: EgressClass;
}

/** The path of a request of users near cluster `users` through `app`, entering at `entry`. */
export interface RequestPath {
  readonly app: string;
  /** The cluster the users are near (the first cluster of their region). */
  readonly users: string;
  /** Their region. */
  readonly region: string;
  /** The cluster whose ingress gateway they enter at: the nearest healthy one that has ingress. */
  readonly entry: string;
  readonly hops: readonly Hop[];
  /** Hops that cross regions (`yes` or `some`). */
  readonly crossRegionHops: number;
  /**
   * Estimated latency the path adds to one request: Σ share × RTT over its hops, calls assumed to
   * be made one after another (Bookinfo's productpage calls details, then reviews).
   */
  readonly addedMs: number;
  /** Hops of which some requests pay intercontinental egress. */
  readonly intercontinentalHops: number;
  /** Services called on the path that nothing serves (no running pod left), in path order. */
  readonly unserved: readonly string[];
}

export interface RoutingOptions {
  /** A region that is down: its clusters serve nothing, its users still send requests. @default - every region up */
  readonly down?: string;
}

/** Clusters indexed once: by name, by region; regions in fleet order with their first cluster. */
export class FleetIndex {
  readonly byName: ReadonlyMap<string, Cluster>;
  readonly order: ReadonlyMap<string, number>;
  /** Region → its clusters, fleet order; regions in order of their first cluster. */
  readonly byRegion: ReadonlyMap<string, readonly Cluster[]>;
  /** Clusters with an ingress gateway, fleet order. */
  readonly ingress: readonly Cluster[];

  constructor(readonly fleet: Fleet) {
    this.byName = new Map(fleet.clusters.map((c) => [c.name, c]));
    this.order = new Map(fleet.clusters.map((c, i) => [c.name, i]));
    const byRegion = new Map<string, Cluster[]>();
    for (const c of fleet.clusters) {
      const list = byRegion.get(c.region);
      if (list) list.push(c);
      else byRegion.set(c.region, [c]);
    }
    this.byRegion = byRegion;
    this.ingress = ingressClusters(fleet);
    this.regionNumber = new Map([...byRegion.keys()].map((r, i) => [r, i]));
  }

  /** Each region's position in `byRegion`, for tables indexed by region. */
  readonly regionNumber: ReadonlyMap<string, number>;
  private readonly rtts = new Map<string, readonly number[]>();

  private readonly entryOrder = new Map<string, readonly Cluster[]>();

  /**
   * The ingress clusters in the order users near `near` prefer them: nearest first, `near` itself
   * first among equals, then fleet order. The first one not down is where they enter.
   */
  entries(near: Cluster): readonly Cluster[] {
    let order = this.entryOrder.get(near.name);
    if (!order) {
      const km = new Map(this.ingress.map((c) => [c.name, regionDistanceKm(near.region, c.region)]));
      order = [...this.ingress].sort((a, b) => km.get(a.name)! - km.get(b.name)! || Number(b.name === near.name) - Number(a.name === near.name) || this.order.get(a.name)! - this.order.get(b.name)!);
      this.entryOrder.set(near.name, order);
    }
    return order;
  }

  /** Estimated round trip from `callerRegion` to each region of the fleet, by `regionNumber`. */
  rttFrom(callerRegion: string): readonly number[] {
    let table = this.rtts.get(callerRegion);
    if (!table) {
      table = [...this.byRegion.keys()].map((region) => estimatedRttMs(callerRegion, region));
      this.rtts.set(callerRegion, table);
    }
    return table;
  }

  cluster(name: string): Cluster {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no cluster named ${name}`);
    return c;
  }

  /** The first cluster of each region, in fleet order: locality routing treats a region's clusters alike. */
  representatives(): Cluster[] {
    return [...this.byRegion.values()].map((list) => list[0]!);
  }
}

/**
 * The ingress gateway users near `near` enter at: one in their own region, else the nearest; none
 * in a region that is down. With a global entry Google's load balancer makes that choice; without
 * one each ingress has its own address, and this assumes users are sent to the nearest (with a
 * single ingress, that one).
 */
export function entryFor(fleet: Fleet, near: Cluster, options: RoutingOptions = {}): Cluster | undefined {
  return nearestIngress(ingressClusters(fleet), near, options.down);
}

/** The ingress users near `near` enter at with `down` down, by `FleetIndex.entries` (the same choice as `nearestIngress`). */
function entryOf(index: FleetIndex, near: Cluster, down: string | undefined): Cluster | undefined {
  return index.entries(near).find((c) => c.region !== down);
}

function nearestIngress(ingress: readonly Cluster[], near: Cluster, down: string | undefined): Cluster | undefined {
  // One pass: the nearest ingress cluster, `near` itself first among equals, then fleet order.
  let best: { cluster: Cluster; km: number } | undefined;
  for (const c of ingress) {
    if (c.region === down) continue;
    const km = regionDistanceKm(near.region, c.region);
    if (!best || km < best.km || (km === best.km && c.name === near.name)) best = { cluster: c, km };
  }
  return best?.cluster;
}

/** Round trip and egress class of a call between two regions (pure; see config/regions.ts). */
interface Estimate {
  readonly rttMs: number;
  readonly egress: EgressClass;
}

/** Estimates by caller region, then callee region: routing asks for the same few pairs again and again. */
const ESTIMATES = new Map<string, Map<string, Estimate>>();

function estimatesFrom(callerRegion: string): Map<string, Estimate> {
  let from = ESTIMATES.get(callerRegion);
  if (!from) {
    from = new Map();
    ESTIMATES.set(callerRegion, from);
  }
  return from;
}

function estimate(from: Map<string, Estimate>, callerRegion: string, region: string): Estimate {
  let e = from.get(region);
  if (!e) {
    e = { rttMs: estimatedRttMs(callerRegion, region), egress: egressClass(callerRegion, region) };
    from.set(region, e);
  }
  return e;
}

/** Placements that one routed version (or, without weights, every version) of a service gets. */
interface RouteGroup {
  readonly weight: number;
  readonly placements: readonly PlacedWorkload[];
  /** The same placements by region, placement order. */
  readonly byRegion: ReadonlyMap<string, readonly PlacedWorkload[]>;
}

/** Where a call is served for every caller region that makes the same locality choice. */
interface Served {
  /** Serving clusters with their shares, fleet order. */
  readonly shares: readonly { readonly cluster: string; readonly region: string; readonly share: number }[];
  /** `shares` as two plain lists: each share, and its region by `FleetIndex.regionNumber`. */
  readonly shareValues: readonly number[];
  readonly regionNumbers: readonly number[];
  /** The shares summed per region (first appearance order), each with the cluster onward calls start from. */
  readonly regions: readonly ServingRegion[];
}

/** One region serving a call: its share, and the cluster onward calls start from (the first there that runs the service). */
export interface ServingRegion {
  readonly region: string;
  /** `FleetIndex.regionNumber` of the region. */
  readonly number: number;
  readonly at: string;
  readonly share: number;
}

/** `map.get(a).get(b)`, made by `make` the first time. */
function memo2<V>(map: Map<string, Map<string, V>>, a: string, b: string, make: () => V): V {
  let inner = map.get(a);
  if (!inner) {
    inner = new Map();
    map.set(a, inner);
  }
  let value = inner.get(b);
  if (value === undefined) {
    value = make();
    inner.set(b, value);
  }
  return value;
}

/**
 * Where each service of one app runs, indexed once, and where a call to it is served under
 * locality routing, memoized per caller region (Istio's locality is region and zone, not cluster,
 * so every caller in a region gets the same answer).
 *
 * Which clusters serve a call, and their shares, depend on the caller's region only through the
 * locality choice of each routed version (its own region, the failover region, or everywhere), so
 * they are computed once per distinct choice: a `spread` service's are the same for every caller.
 * Only the round trips and egress classes are per caller region.
 */
export class AppRouting {
  /** Service → its running placements (clusters not in the down region), placement order. */
  private readonly running = new Map<string, PlacedWorkload[]>();
  /** `service|region` → the first cluster of the region that runs it. */
  private readonly firstIn = new Map<string, string>();
  /** `cluster|service` → versions running there, definition order. */
  private readonly versions = new Map<string, string[]>();
  private readonly failover = new Map<string, Map<string, string>>();
  private readonly groups = new Map<string, { live: RouteGroup[]; total: number }>();
  /** Service → choice of each group → where it is served. */
  private readonly byChoice = new Map<string, Map<string, Served>>();
  /** Service → caller region → where it is served. */
  private readonly servedFrom = new Map<string, Map<string, Served>>();
  private readonly served = new Map<string, Map<string, Target[]>>();
  private readonly hopCosts = new Map<string, Map<string, number>>();

  private readonly down?: string;

  /**
   * `base`: the same app's routing with every region up. With a region down, where each service
   * runs is that of `base` without the down region, and a call whose targets there include no
   * cluster of the down region is served exactly as with every region up (same clusters, same
   * shares: local endpoints and the failover region are untouched), so those are taken from
   * `base` instead of derived again.
   */
  constructor(private readonly index: FleetIndex, private readonly app: App, options: RoutingOptions = {}, private readonly base?: AppRouting) {
    this.down = options.down;
    if (base) return;
    for (const p of app.placements) {
      if (!isRunning(p)) continue;
      const region = index.cluster(p.cluster).region;
      if (region === options.down) continue;
      const svc = p.workload.service;
      const running = this.running.get(svc);
      if (running) running.push(p);
      else this.running.set(svc, [p]);
      if (!this.firstIn.has(`${svc}|${region}`)) this.firstIn.set(`${svc}|${region}`, p.cluster);
      const key = `${p.cluster}|${svc}`;
      const versions = this.versions.get(key);
      if (versions) versions.push(p.workload.version);
      else this.versions.set(key, [p.workload.version]);
    }
  }

  /** Versions of `service` running in `cluster`, definition order. */
  versionsIn(service: string, cluster: string): string[] {
    if (this.base) return this.index.cluster(cluster).region === this.down ? [] : this.base.versionsIn(service, cluster);
    return this.versions.get(`${cluster}|${service}`) ?? [];
  }

  /** The first cluster of `region` that runs `service`, for calls that continue from there. */
  firstRunning(service: string, region: string): string | undefined {
    if (this.base) return region === this.down ? undefined : this.base.firstRunning(service, region);
    return this.firstIn.get(`${service}|${region}`);
  }

  /**
   * Where a call to `svc` from `callerRegion` is served, with shares:
   * - `spread`: every cluster that runs the service;
   * - `prefer-local`: the clusters of the caller's region that run it, else those of the region
   *   the service's DestinationRule fails over to (`serviceFailover`: the nearest region that runs
   *   it, computed from the whole fleet, as rendered), else (that region is down, or a routed
   *   version does not run there) every other cluster that runs it, which Envoy gives one and the
   *   same priority.
   * Istio balances over endpoints, so a cluster's share is its running pods (an autoscaled
   * workload counts its minimum) over those of the clusters chosen; with per-version weights each
   * routed version is chosen this way and weighted. Fleet order.
   */
  targets(svc: AppService, callerRegion: string): Target[] {
    return memo2(this.served, svc.name, callerRegion, () => {
      const served = this.servedAt(svc, callerRegion);
      if (this.base && served === this.base.servedAt(svc, callerRegion)) return this.base.targets(svc, callerRegion);
      const from = estimatesFrom(callerRegion);
      // An object literal, not spreads: this runs for every service and caller region of FLEET.md.
      return served.shares.map((s) => {
        const { rttMs, egress } = estimate(from, callerRegion, s.region);
        return { cluster: s.cluster, region: s.region, share: s.share, rttMs, egress };
      });
    });
  }

  /** Expected round trip of a call to `svc` from `callerRegion`: Σ share × RTT over `targets`, in their order. */
  hopMs(svc: AppService, callerRegion: string): number {
    return memo2(this.hopCosts, svc.name, callerRegion, () => {
      // The same sum as over `targets`, without building them.
      const { shareValues, regionNumbers } = this.servedAt(svc, callerRegion);
      const rtt = this.index.rttFrom(callerRegion);
      let ms = 0;
      for (let i = 0; i < shareValues.length; i++) ms += shareValues[i]! * rtt[regionNumbers[i]!]!;
      return ms;
    });
  }

  /** Whether any running pod serves a call to `svc` from `callerRegion`. */
  serves(svc: AppService, callerRegion: string): boolean {
    return this.servedAt(svc, callerRegion).shares.length > 0;
  }

  /**
   * `targets` summed per region, each region with the cluster its onward calls start from (the
   * first there that runs the service): what the next hops of a path need, per region not per cluster.
   */
  regionsServing(svc: AppService, callerRegion: string): readonly ServingRegion[] {
    return this.servedAt(svc, callerRegion).regions;
  }

  private servedAt(svc: AppService, callerRegion: string): Served {
    return memo2(this.servedFrom, svc.name, callerRegion, () => {
      const { live, total } = this.groupsOf(svc);
      const chosen = live.map((g) => (svc.locality === 'spread' ? undefined : this.preferLocal(svc, g, callerRegion)));
      return memo2(this.byChoice, svc.name, chosen.join('|'), () => {
        // The same routed versions making the same choice as with every region up, and none of
        // what they chose in the down region: served as with every region up.
        if (this.base) {
          const normal = this.base.servedAt(svc, callerRegion);
          if (this.base.groupsOf(svc).live.length === live.length && normal.regions.every((r) => r.region !== this.down)
            && this.base.groupsOf(svc).live.every((g, i) => (svc.locality === 'spread' ? undefined : this.base!.preferLocal(svc, g, callerRegion)) === chosen[i])) {
            return normal;
          }
        }
        return this.serve(svc, live.map((g, i) => ({ weight: g.weight, placements: chosen[i] === undefined ? g.placements : g.byRegion.get(chosen[i]!)! })), total);
      });
    });
  }

  private serve(svc: AppService, groups: readonly { weight: number; placements: readonly PlacedWorkload[] }[], total: number): Served {
    const shares = new Map<string, number>();
    for (const group of groups) {
      const pods = group.placements.reduce((sum, p) => sum + podsOf(p), 0);
      for (const p of group.placements) shares.set(p.cluster, (shares.get(p.cluster) ?? 0) + (group.weight / total) * (podsOf(p) / pods));
    }
    const list = [...shares.keys()]
      .sort((a, b) => this.index.order.get(a)! - this.index.order.get(b)!)
      .map((cluster) => ({ cluster, region: this.index.cluster(cluster).region, share: shares.get(cluster)! }));
    const byRegion = new Map<string, { region: string; number: number; at: string; share: number }>();
    for (const t of list) {
      const entry = byRegion.get(t.region);
      if (entry) entry.share += t.share;
      else byRegion.set(t.region, { region: t.region, number: this.index.regionNumber.get(t.region)!, at: this.firstRunning(svc.name, t.region) ?? t.cluster, share: t.share });
    }
    return { shares: list, shareValues: list.map((t) => t.share), regionNumbers: list.map((t) => this.index.regionNumber.get(t.region)!), regions: [...byRegion.values()] };
  }

  /** Running placements of `service`, placement order. */
  private runningOf(service: string): readonly PlacedWorkload[] {
    if (!this.base) return this.running.get(service) ?? [];
    let running = this.running.get(service);
    if (!running) {
      running = this.base.runningOf(service).filter((p) => this.index.cluster(p.cluster).region !== this.down);
      this.running.set(service, running);
    }
    return running;
  }

  /** The routed versions of `svc` that run somewhere, each with its placements, and their total weight. */
  private groupsOf(svc: AppService): { live: RouteGroup[]; total: number } {
    let groups = this.groups.get(svc.name);
    if (!groups) {
      const placements = this.runningOf(svc.name);
      const all = svc.weights
        ? Object.entries(svc.weights).filter(([, w]) => w > 0).map(([v, w]) => ({ weight: w, placements: placements.filter((p) => p.workload.version === v) }))
        : [{ weight: 1, placements }];
      const live = all.filter((g) => g.placements.length > 0).map((g) => {
        const byRegion = new Map<string, PlacedWorkload[]>();
        for (const p of g.placements) {
          const region = this.index.cluster(p.cluster).region;
          const list = byRegion.get(region);
          if (list) list.push(p);
          else byRegion.set(region, [p]);
        }
        return { ...g, byRegion };
      });
      groups = { live, total: live.reduce((sum, g) => sum + g.weight, 0) };
      this.groups.set(svc.name, groups);
    }
    return groups;
  }

  /** The region whose placements of `group` serve a `prefer-local` call from `callerRegion`, or undefined for all of them. */
  private preferLocal(svc: AppService, group: RouteGroup, callerRegion: string): string | undefined {
    if (group.byRegion.has(callerRegion)) return callerRegion;
    const target = this.failoverOf(svc).get(callerRegion);
    return target !== undefined && group.byRegion.has(target) ? target : undefined;
  }

  private failoverOf(svc: AppService): Map<string, string> {
    if (this.base) return this.base.failoverOf(svc);
    let map = this.failover.get(svc.name);
    if (!map) {
      map = new Map(serviceFailover(this.index.fleet, this.app, svc.name).map((f) => [f.from, f.to]));
      this.failover.set(svc.name, map);
    }
    return map;
  }
}

/** Pods a placement runs: its replicas, or its autoscaling minimum. */
const podsOf = (p: PlacedWorkload): number => (p.autoscaling ? p.autoscaling.min : p.replicas ?? 1);

/** The clusters that serve a call to `svc` from `caller` under locality routing (see AppRouting.targets). */
export function clustersServing(fleet: Fleet, app: App, svc: AppService, caller: Cluster): string[] {
  return new AppRouting(new FleetIndex(fleet), app).targets(svc, caller.region).map((t) => t.cluster);
}

/**
 * Services of `app` in the order their calls are followed: depth first from `root`, reversed
 * post-order (callers before callees); and each service's callees that are followed: those that
 * exist, without the calls that close a cycle.
 */
function callOrder(app: App, root: string): CallOrder {
  // The same for every region down and every render of the same model (it is frozen): made once.
  const known = callOrders.get(app);
  if (known?.root === root) return known.order;
  const order = makeCallOrder(app, root);
  callOrders.set(app, { root, order });
  return order;
}

interface CallOrder {
  readonly order: readonly AppService[];
  readonly callees: ReadonlyMap<string, readonly AppService[]>;
}

const callOrders = new WeakMap<App, { root: string; order: CallOrder }>();

function makeCallOrder(app: App, root: string): CallOrder {
  const byName = new Map(app.services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const onStack = new Set<string>();
  const cycles = new Set<string>();
  const post: AppService[] = [];
  const visit = (svc: AppService) => {
    onStack.add(svc.name);
    for (const callee of svc.calls) {
      const next = byName.get(callee);
      if (!next) continue;
      if (onStack.has(callee)) cycles.add(`${svc.name}|${callee}`);
      else if (!done.has(callee)) visit(next);
    }
    onStack.delete(svc.name);
    done.add(svc.name);
    post.push(svc);
  };
  const start = byName.get(root);
  if (start) visit(start);
  const callees = new Map(app.services.map((svc) => [svc.name, svc.calls.filter((name) => !cycles.has(`${svc.name}|${name}`)).flatMap((name) => byName.get(name) ?? [])]));
  return { order: post.reverse(), callees };
}

/** What a hop's targets add up to, seen from the caller's region. */
type HopSummary = Pick<Hop, 'servedBy' | 'crossRegion' | 'rttMs' | 'egress'>;

function summarize(targets: readonly Target[], fromRegion: string): HopSummary {
  const remote = targets.filter((t) => t.region !== fromRegion);
  const crossRegion = remote.length === 0 ? 'no' : remote.length === targets.length ? 'yes' : 'some';
  const rttMs = targets.reduce((sum, t) => sum + t.share * t.rttMs, 0);
  const egress = targets.reduce<EgressClass>((worst, t) => (EGRESS_RANK[t.egress] > EGRESS_RANK[worst] ? t.egress : worst), 'none');
  return { servedBy: targets.map((t) => t.cluster), crossRegion, rttMs, egress };
}

function makeHop(caller: string, callee: string, from: Cluster, locality: Hop['locality'], share: number, targets: Target[], summary = summarize(targets, from.region)): Hop {
  return { caller, callee, from: from.name, servedBy: summary.servedBy, locality, crossRegion: summary.crossRegion, share, targets, rttMs: summary.rttMs, egress: summary.egress };
}

/**
 * For each app with ingress and each region of the fleet: the path of a request of users near
 * the region's first cluster — first to the nearest healthy ingress gateway, then through the
 * call graph from the ingress service, callers before callees. A call served in several regions
 * continues from each of them, with its share of the requests; calls of one service from one
 * region are listed once, their shares summed. Regions whose users find no healthy ingress get
 * no path (see `options.down`).
 */
export function requestPaths(fleet: Fleet, options: RoutingOptions = {}): readonly RequestPath[] {
  if (options.down !== undefined) return routeRequests(fleet, options);
  // Every region up: made once per fleet (a model is not changed once made), for FLEET.md and
  // for `diff`'s summary of the same fleet.
  let paths = pathsUp.get(fleet);
  if (!paths) {
    paths = routeRequests(fleet, options);
    pathsUp.set(fleet, paths);
  }
  return paths;
}

const pathsUp = new WeakMap<Fleet, readonly RequestPath[]>();

function routeRequests(fleet: Fleet, options: RoutingOptions): readonly RequestPath[] {
  const index = new FleetIndex(fleet);
  const paths: RequestPath[] = [];
  for (const app of fleet.apps) {
    if (!app.ingress) continue;
    const routing = new AppRouting(index, app, options);
    const services = new Map(app.services.map((s) => [s.name, s]));
    const { order, callees } = callOrder(app, app.ingress.service);
    // A call of one service from one region adds up the same on every path (fleets of many regions
    // repeat it on every path of users).
    const summaries = new Map<string, HopSummary>();
    const summaryOf = (callee: AppService, fromRegion: string): HopSummary => {
      const key = `${callee.name}|${fromRegion}`;
      let summary = summaries.get(key);
      if (!summary) {
        summary = summarize(routing.targets(callee, fromRegion), fromRegion);
        summaries.set(key, summary);
      }
      return summary;
    };
    for (const near of index.representatives()) {
      const entry = entryOf(index, near, options.down);
      if (!entry) continue;
      const first = estimatedRttMs(near.region, entry.region);
      const hops: Hop[] = [makeHop('users', 'ingress', near, 'nearest', 1, [{ cluster: entry.name, region: entry.region, share: 1, rttMs: first, egress: 'none' }])];
      // service → the regions it is called in (each with the cluster standing for it), first
      // reached first, and by region number the share of requests calling from there
      const incoming = new Map<string, { regions: ServingRegion[]; shares: number[] }>();
      const reach = (service: AppService, callerRegion: string, share: number) => {
        let from = incoming.get(service.name);
        if (!from) {
          from = { regions: [], shares: [] };
          incoming.set(service.name, from);
        }
        for (const r of routing.regionsServing(service, callerRegion)) {
          const before = from.shares[r.number];
          if (before === undefined) from.regions.push(r);
          from.shares[r.number] = (before ?? 0) + share * r.share;
        }
      };
      const root = services.get(app.ingress.service);
      if (root) {
        hops.push(makeHop('ingress', root.name, entry, root.locality, 1, routing.targets(root, entry.region)));
        reach(root, entry.region, 1);
      }
      for (const svc of order) {
        const calls = incoming.get(svc.name);
        for (const r of calls?.regions ?? []) {
          const from = index.cluster(r.at);
          const share = calls!.shares[r.number]!;
          for (const callee of callees.get(svc.name)!) {
            hops.push(makeHop(svc.name, callee.name, from, callee.locality, share, routing.targets(callee, from.region), summaryOf(callee, from.region)));
            reach(callee, from.region, share);
          }
        }
      }
      const called = hops.slice(1);
      paths.push({
        app: app.name,
        users: near.name,
        region: near.region,
        entry: entry.name,
        hops,
        crossRegionHops: hops.filter((h) => h.crossRegion !== 'no').length,
        addedMs: hops.reduce((sum, h) => sum + h.share * h.rttMs, 0),
        intercontinentalHops: hops.filter((h) => h.egress === 'intercontinental').length,
        unserved: [...new Set(called.filter((h) => h.targets.length === 0).map((h) => h.callee))],
      });
    }
  }
  return paths;
}

/** What the region-failure table needs of one request path, without its hops. */
export interface PathCost {
  readonly app: string;
  readonly users: string;
  readonly entry: string;
  /** As `RequestPath.addedMs`. */
  readonly addedMs: number;
  /** As `RequestPath.unserved`, in the app's definition order. */
  readonly unserved: readonly string[];
}

/** A call's estimated added latency below it, and the services it leaves unserved. */
interface Cost {
  readonly ms: number;
  readonly unserved: ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

/** `a ∪ b`, reusing either when the other adds nothing (almost always: most calls are served). */
function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (b.size === 0 || b === a) return a;
  if (a.size === 0) return b;
  const both = new Set(a);
  for (const x of b) both.add(x);
  return both.size === a.size ? a : both;
}

/**
 * `requestPaths` reduced to each path's entry, estimated added latency and unserved calls, for
 * large fleets: the calls below a service made from a region cost the same whichever users sent
 * the request, so each (service, region) is costed once and shared, instead of walking every hop
 * again for every region of users (and again for every region taken down). Same figures as
 * `requestPaths` (test/routing.test.ts compares them).
 */
export function pathCosts(fleet: Fleet, options: RoutingOptions = {}, base?: ReadonlyMap<string, AppRouting>, kept?: KeptCosts, index = new FleetIndex(fleet)): PathCost[] {
  const out: PathCost[] = [];
  for (const app of fleet.apps) {
    if (!app.ingress) continue;
    const routing = new AppRouting(index, app, options, base?.get(app.name));
    const services = new Map(app.services.map((s) => [s.name, s]));
    const rank = new Map(app.services.map((s, i) => [s.name, i]));
    const { order, callees } = callOrder(app, app.ingress.service);
    // Service → region number → cost below a call made from there; with `kept`, shared with the
    // last render where what lies below the service is the same (costsBelow).
    const below = kept ? costsBelow(kept.salt, fleet, index, app, callees) : undefined;
    const keyOf = (svc: AppService) => `${below!(svc)}|${options.down ?? ''}`;
    const memo = new Map<string, { costs: (Cost | undefined)[]; known?: (KeptCost | null)[] }>();
    /**
     * The costs below `svc` by region number, made on first use (only services the root reaches);
     * with `kept`, also the kept ones (the last render's, and this render's for the next).
     */
    const costsOf = (svc: AppService) => {
      let entry = memo.get(svc.name);
      if (!entry) {
        entry = { costs: new Array<Cost | undefined>(index.byRegion.size) };
        if (kept) {
          const key = keyOf(svc);
          entry.known = kept.next.costs.get(key) ?? [...(kept.previous?.costs.get(key) ?? new Array<KeptCost | null>(index.byRegion.size).fill(null))];
          kept.next.costs.set(key, entry.known);
        }
        memo.set(svc.name, entry);
      }
      return entry;
    };
    /** What calling `svc` from `region` adds below the call itself, and what it leaves unserved. */
    const callCost = (svc: AppService, region: string): Cost => {
      if (!routing.serves(svc, region)) return { ms: 0, unserved: new Set([svc.name]) };
      let ms = routing.hopMs(svc, region);
      let unserved = NOTHING;
      // Most are costed already: read them here, not through subtree (a spread service is served
      // in every region, and this loop runs for each service, region and region down).
      const { costs } = costsOf(svc);
      for (const r of routing.regionsServing(svc, region)) {
        const below = costs[r.number] ?? subtree(svc, r.region, r.number);
        ms += r.share * below.ms;
        unserved = union(unserved, below.unserved);
      }
      return { ms, unserved };
    };
    const subtree = (svc: AppService, region: string, number: number): Cost => {
      const { costs, known } = costsOf(svc);
      let cost = costs[number];
      const kc = cost ? undefined : known?.[number];
      if (kc) {
        cost = { ms: kc[0], unserved: kc.length > 1 ? new Set(kc.slice(1) as string[]) : NOTHING };
        costs[number] = cost;
      } else if (!cost) {
        let ms = 0;
        let unserved = NOTHING;
        for (const callee of callees.get(svc.name)!) {
          const call = callCost(callee, region);
          ms += call.ms;
          unserved = union(unserved, call.unserved);
        }
        cost = { ms, unserved };
        costs[number] = cost;
        if (known) known[number] = [ms, ...unserved];
      }
      return cost;
    };
    // Every service the root reaches keeps its costs for the next render, also those not needed
    // now because a cost above them was kept.
    if (kept) for (const svc of order) costsOf(svc);
    const root = services.get(app.ingress.service);
    for (const near of index.representatives()) {
      const entry = entryOf(index, near, options.down);
      if (!entry) continue;
      const call = root ? callCost(root, entry.region) : { ms: 0, unserved: NOTHING };
      out.push({
        app: app.name,
        users: near.name,
        entry: entry.name,
        addedMs: estimatedRttMs(near.region, entry.region) + call.ms,
        unserved: [...call.unserved].sort((a, b) => rank.get(a)! - rank.get(b)!),
      });
    }
  }
  return out;
}

/**
 * `pathCosts` with each region down in turn, region → costs: the every-region-up routing is built
 * once and shared, so each region down derives only the calls it changes.
 */
export function regionDownCosts(fleet: Fleet, kept?: KeptCosts): Map<string, PathCost[]> {
  const index = new FleetIndex(fleet);
  const base = new Map(fleet.apps.map((app) => [app.name, new AppRouting(index, app)]));
  // One index for all: where users near each region enter is sorted once, not once per region down.
  return new Map([...index.byRegion.keys()].map((down) => [down, pathCosts(fleet, { down }, base, kept, index)]));
}

/**
 * What the calls below a service cost from one region (`pathCosts`), as kept from render to render:
 * the milliseconds, then the services left unserved (a tuple: tens of thousands are kept).
 */
export type KeptCost = readonly [ms: number, ...unserved: string[]];

/**
 * FLEET.md's routing kept across renders (plain data: finite doubles, strings and nulls, which
 * synth's cache keeps exactly, scripts/lib/render-cache.ts): the costs below each service, which
 * an edit computes again only for the services whose calls reach what it changed, and the shapes
 * of the request paths, which an edit that moves no workload and changes no route leaves as they
 * were.
 */
export interface KeptCosts {
  /** Fingerprint of the code (as for render keys): part of every key, so other code never reuses a cost. */
  readonly salt: string;
  /** From the last render. @default - none */
  readonly previous?: RoutingMemo;
  /** Filled with what this render used and computed, for the next. */
  readonly next: RoutingMemo;
}

/** What FLEET.md's routing keeps from one render for the next (`KeptCosts`); plain data. */
export interface RoutingMemo {
  /** Costs below calls: key (`costsBelow` and the region down) → by region number, null where not computed. */
  readonly costs: Map<string, (KeptCost | null)[]>;
  /** Request path shapes (`pathSummaries`): key (`shapeKey`) → the shapes of every path. */
  readonly shapes: Map<string, PathShape[]>;
}

/** An empty `RoutingMemo`. */
export const emptyRoutingMemo = (): RoutingMemo => ({ costs: new Map(), shapes: new Map() });

/**
 * For each service of `app`, a hash of everything the cost below a call to it reads (pathCosts'
 * `subtree`): the fleet's clusters and regions in order (region numbers, which cluster is where),
 * and for each service it calls, recursively, its routing facts: locality, weights and running
 * placements (cluster, version, pods), from which its failover follows. Not the service's own
 * placements: the call to it is costed by the caller, outside the kept part.
 */
function costsBelow(salt: string, fleet: Fleet, index: FleetIndex, app: App, callees: ReadonlyMap<string, readonly AppService[]>): (svc: AppService) => string {
  // The same for every region down: made once per app, fleet clusters and code (the model is frozen).
  const last = belowMemo.get(app);
  if (last && last.clusters === fleet.clusters && last.salt === salt) return last.of;
  const clusters = contentHash(JSON.stringify([salt, app.name, fleet.clusters.map((c) => [c.name, c.region]), [...index.byRegion.keys()]]));
  const running = new Map<string, [string, string, number][]>();
  for (const p of app.placements) {
    if (!isRunning(p)) continue;
    const list = running.get(p.workload.service) ?? [];
    list.push([p.cluster, p.workload.version, podsOf(p)]);
    running.set(p.workload.service, list);
  }
  const out = new Map<string, string>();
  const of = (svc: AppService): string => {
    let key = out.get(svc.name);
    if (key === undefined) {
      const parts = (callees.get(svc.name) ?? []).map((c) => [c.name, c.locality, c.weights ?? null, running.get(c.name) ?? [], of(c)]);
      key = contentHash(JSON.stringify([clusters, parts]));
      out.set(svc.name, key);
    }
    return key;
  };
  // Only for services the root reaches, whose callees (callOrder) close no cycle.
  belowMemo.set(app, { clusters: fleet.clusters, salt, of });
  return of;
}

const belowMemo = new WeakMap<App, { clusters: readonly Cluster[]; salt: string; of: (svc: AppService) => string }>();

/** A request path without its hops: what FLEET.md's tables show of it. */
export interface PathSummary {
  readonly app: string;
  readonly users: string;
  readonly entry: string;
  /** `RequestPath.hops.length`. */
  readonly hopCount: number;
  readonly crossRegionHops: number;
  readonly intercontinentalHops: number;
  readonly addedMs: number;
  readonly unserved: readonly string[];
}

/** What a path summary holds that no replica count changes: everything but its latency. */
export type PathShape = Omit<PathSummary, 'addedMs'>;

/** The summary of a path routed hop by hop. */
export function summarizePath(p: RequestPath): PathSummary {
  return { app: p.app, users: p.users, entry: p.entry, hopCount: p.hops.length, crossRegionHops: p.crossRegionHops, intercontinentalHops: p.intercontinentalHops, addedMs: p.addedMs, unserved: p.unserved };
}

/**
 * Every path's summary for a large fleet, every region up: the shapes from `requestPaths`, the
 * latency from `pathCosts` (each service costed once per region). With `kept`, the shapes are
 * taken from the last render when nothing they depend on changed (`shapeKey`: which hops a path
 * makes, where they land, what they cross depend on where workloads run, not on how many pods),
 * and the costs below services as in `pathCosts`: a replica change routes nothing hop by hop.
 */
export function pathSummaries(fleet: Fleet, kept?: KeptCosts): PathSummary[] {
  const key = kept ? shapeKey(kept.salt, fleet) : undefined;
  let shapes = key === undefined ? undefined : kept!.previous?.shapes.get(key);
  shapes ??= requestPaths(fleet).map((p): PathShape => {
    const { addedMs: _addedMs, ...shape } = summarizePath(p);
    return shape;
  });
  if (key !== undefined) kept!.next.shapes.set(key, shapes);
  const costs = pathCosts(fleet, {}, undefined, kept);
  return shapes.map((shape, i) => ({ ...shape, addedMs: costs[i]!.addedMs }));
}

/**
 * A hash of what the shapes of the request paths read: the clusters (name, region, ingress) in
 * order; per app its ingress service, its services' calls, locality and weights, and which
 * versions run in which clusters; not replicas, autoscaling or resources (pods only weigh shares).
 */
function shapeKey(salt: string, fleet: Fleet): string {
  return contentHash(JSON.stringify([
    salt,
    fleet.clusters.map((c) => [c.name, c.region, c.ingress]),
    fleet.apps.map((a) => [
      a.name,
      a.ingress?.service ?? null,
      a.services.map((s) => [s.name, s.calls, s.locality, s.weights ?? null]),
      a.placements.filter(isRunning).map((p) => [p.cluster, p.workload.service, p.workload.version]),
    ]),
  ]));
}
