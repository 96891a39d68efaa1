/**
 * Two apps that claim the same ingress host and path. Every app's ingress Gateway selects the same
 * ingress gateway pods on the same port, and Istio merges the VirtualServices of one host in an
 * order nobody chose: a request for a path both apps claim reaches one of them, and which one can
 * change on the next apply. Read from the model (each app's `ingress.hosts` and `routes`).
 */
import type { App } from '../../config/model.ts';
import type { Check, CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';

type Route = NonNullable<App['ingress']>['routes'][number];

/**
 * Whether two apps' VirtualServices share a host. Envoy picks the most specific host first (a
 * request for `shop.example.com` never reaches a `*` route while a `shop.example.com` one exists),
 * so only the same host (DNS names are case-insensitive) puts two apps' routes in one list.
 */
export const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const isExact = (r: Route): r is Extract<Route, { exact: string }> => 'exact' in r;
const pathOf = (r: Route): string => ('exact' in r ? r.exact : r.prefix);
const describeRoute = (r: Route): string => `${isExact(r) ? 'exact' : 'prefix'} ${pathOf(r)}`;

/** Whether some request path matches both routes (Istio's exact and prefix URI matches). */
export function routesOverlap(a: Route, b: Route): boolean {
  const [pa, pb] = [pathOf(a), pathOf(b)];
  if (isExact(a) && isExact(b)) return pa === pb;
  if (isExact(a)) return pa.startsWith(pb);
  if (isExact(b)) return pb.startsWith(pa);
  return pa.startsWith(pb) || pb.startsWith(pa);
}

export function checkIngressRoutes(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const withIngress = input.fleet.apps.filter((a) => a.ingress);
  withIngress.forEach((first, i) => {
    for (const second of withIngress.slice(i + 1)) {
      const clashes: string[] = [];
      for (const h1 of first.ingress!.hosts) {
        for (const h2 of second.ingress!.hosts) {
          if (!sameHost(h1, h2)) continue;
          for (const r1 of first.ingress!.routes) {
            for (const r2 of second.ingress!.routes) {
              if (routesOverlap(r1, r2)) clashes.push(`host ${JSON.stringify(h1)}, ${first.name} ${describeRoute(r1)} and ${second.name} ${describeRoute(r2)}`);
            }
          }
        }
      }
      if (clashes.length === 0) continue;
      findings.push({
        severity: 'error',
        check: ingressRoutes.id,
        where: `${second.definitionFile} ingress`,
        message: `apps ${first.name} and ${second.name} claim the same ingress host and path (${clashes[0]}${clashes.length > 1 ? `; and ${clashes.length - 1} more` : ''}); the ingress gateway sends such a request to only one of them, in an order Istio picks`,
        fix: `give one app hosts of its own (ingress.hosts in ${second.definitionFile} or ${first.definitionFile}) or paths the other does not match`,
      });
    }
  });
  return findings;
}

export const ingressRoutes: Check = { id: 'ingress-routes', title: 'no two apps claim the same ingress host and path', run: checkIngressRoutes };
