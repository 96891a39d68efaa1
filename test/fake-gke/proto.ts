/**
 * The real `google.container.v1.ClusterManager` service definition, loaded from the protos that
 * ship inside @google-cloud/container, so the fake speaks exactly the client's wire format.
 */
import { createRequire } from 'node:module';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

let service: ServiceDefinition | undefined;

/**
 * The ClusterManager service definition (37 methods; the fake implements a few). Decoded once per
 * process (a third of a second of CPU each time): every fake of a test group serves the same one,
 * which gRPC only reads.
 */
export function clusterManagerService(): ServiceDefinition {
  return (service ??= decodeService());
}

function decodeService(): ServiceDefinition {
  const json = require('@google-cloud/container/build/protos/protos.json') as Parameters<typeof fromJSON>[0];
  // Same decoding as the client: camelCase fields, enums as names, defaults filled.
  const definition = fromJSON(json, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  const root = loadPackageDefinition(definition) as unknown as {
    google: { container: { v1: { ClusterManager: { service: ServiceDefinition } } } };
  };
  return root.google.container.v1.ClusterManager.service;
}
