/**
 * A group of test files (README.md § Test): rendering, in-process: the dist
 * contract and its kustomize builds, incremental and fast-path renders, Istio, apps, object
 * schemas and scopes, the benchmark's parts; the test helpers (temporary folders, parsing and
 * kustomize builds done once).
 */
import '../apps.test.ts';
import '../bench.test.ts';
import '../dist.test.ts';
import '../document-reuse.test.ts';
import '../helpers.test.ts';
import '../incremental-render.test.ts';
import '../istio.test.ts';
import '../verify-charts.test.ts';
import '../object-schemas.test.ts';
import '../nearest-region.test.ts';
import '../object-scope.test.ts';
import '../render-cache.test.ts';
import '../render-fast-path.test.ts';
import '../render-input.test.ts';
import '../serialized-texts.test.ts';
