/**
 * A group of test files (README.md § Test): provisioning against the fake GKE API
 * and the fake gcloud: requests, apply, day two, the global entry, `npm run provision`; and the
 * fleet's whole lifecycle against every fake (the GKE client and its gRPC stack load once for both).
 */
import '../lifecycle.test.ts';
import '../provision-apply.test.ts';
import '../provision-cli.test.ts';
import '../provision-day-two.test.ts';
import '../provision-gcloud.test.ts';
import '../provision-global-entry.test.ts';
import '../provision-request.test.ts';
