/**
 * The `ingress-routes` fleet check: two apps that claim the same ingress host and path; and the
 * docs' own "Add an app" example, which must not collide with Bookinfo.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import { checkIngressRoutes, checkInput, formatFinding } from '../scripts/review/checks.ts';
import { routesOverlap, sameHost } from '../scripts/review/check-ingress-routes.ts';
import { DEFAULT_FLEET, ROOT, checksOfRender, readText, tempDir } from './helpers.ts';

/** The shop app of docs/apps.md "Add an app", as the docs show it. */
function docsShopApp(): string {
  const docs = readText(join(ROOT, 'docs/apps.md'));
  const block = /1\. Write `config\/apps\/shop\.yaml`:\s*```yaml\n([\s\S]*?)```/.exec(docs);
  assert.ok(block, 'docs/apps.md has the shop example');
  return block[1]!.replace(/^ {3}/gm, '');
}

/** The default fleet with a `shop` app (definition `shopYaml`) placed in frankfurt. */
function fleetWithShop(shopYaml: string) {
  const dir = tempDir();
  writeFileSync(join(dir, 'shop.yaml'), shopYaml);
  const fleet = readText(DEFAULT_FLEET).replace('definition: apps/', `definition: ${ROOT}config/apps/`)
    + `  shop:\n    definition: shop.yaml\n    placement:\n      frankfurt:\n        web-v1: {}\n        api-v1: {}\n`;
  writeFileSync(join(dir, 'fleet.yaml'), fleet);
  return loadFleet(join(dir, 'fleet.yaml'));
}

describe('ingress-routes', () => {
  test('host and path overlap as Istio matches them', () => {
    // Envoy serves the most specific host first, so only the same host shares a route list.
    assert.ok(sameHost('Shop.example.com', 'shop.example.com'));
    assert.ok(!sameHost('*', 'shop.example.com'));
    assert.ok(!sameHost('a.example.com', 'b.example.com'));
    assert.ok(routesOverlap({ prefix: '/' }, { exact: '/productpage' }));
    assert.ok(routesOverlap({ prefix: '/api' }, { prefix: '/api/v1/products' }));
    assert.ok(routesOverlap({ exact: '/login' }, { exact: '/login' }));
    assert.ok(!routesOverlap({ exact: '/login' }, { exact: '/logout' }));
    assert.ok(!routesOverlap({ exact: '/static' }, { prefix: '/static/' }));
  });

  test('two apps on host "*" where one claims every path: an error naming both apps, the host and the paths', () => {
    const shop = docsShopApp().replace(/^ {2}hosts: .*\n/m, '');
    const fleet = fleetWithShop(shop);
    const findings = checkIngressRoutes(checkInput(fleet, renderFleet(fleet).files));
    assert.deepEqual(findings.map(formatFinding), [
      `error ${fleet.apps[1]!.definitionFile} ingress: apps bookinfo and shop claim the same ingress host and path (host "*", bookinfo exact /productpage and shop prefix /; and 4 more); the ingress gateway sends such a request to only one of them, in an order Istio picks (fix: give one app hosts of its own (ingress.hosts in ${fleet.apps[1]!.definitionFile} or ${fleet.apps[0]!.definitionFile}) or paths the other does not match)`,
    ]);
  });

  test('the docs example as written has a host of its own: the fleet checks are clean with it', () => {
    const fleet = fleetWithShop(docsShopApp());
    assert.deepEqual(checksOfRender(fleet).map(formatFinding), []);
  });
});
