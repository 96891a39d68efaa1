/**
 * A group of test files (README.md § Test): the review tools in-process: fleet
 * checks and `npm run check`, the object diff, its comment at 500 clusters, the examples in
 * docs/review.md, rollout notes; Istio revisions, the upgrade steps `check --base` refuses, and
 * docs/istio-upgrade.md.
 */
import '../review-checks.test.ts';
import '../review-diff.test.ts';
import '../review-diff-scale.test.ts';
import '../istio-revisions.test.ts';
import '../istio-upgrade-docs.test.ts';
import '../review-docs.test.ts';
import '../rollout-review.test.ts';
