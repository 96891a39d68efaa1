/**
 * The shape of an app definition file (`config/apps/<app>.yaml`): services, the workloads that
 * implement them, and which services call which. Where an app runs is fleet data (`apps.<app>.placement`
 * in the fleet file), so one definition serves every fleet.
 */
import { z } from 'zod';
import { dnsLabel, hostPattern, ResourcesSchema } from './schema.ts';

const port = () => z.number().int({ error: 'a whole number' }).min(1, { error: 'a port >= 1' }).max(65535, { error: 'a port <= 65535' });

export const ServicePortSchema = z.strictObject({
  name: dnsLabel().describe('Port name; Istio picks the protocol from it (`http`, `grpc`, `tcp`, …).'),
  port: port().describe('Port the Service listens on.'),
  targetPort: port().optional().describe('Container port; defaults to `port`.'),
  protocol: z.enum(['HTTP', 'HTTP2', 'GRPC', 'TCP'], { error: 'HTTP, HTTP2, GRPC or TCP' }).default('HTTP').describe('Application protocol (the Service\'s `appProtocol` where the port name does not say it).'),
});

export const AppServiceSchema = z.strictObject({
  ports: z.array(ServicePortSchema).min(1, { error: 'at least one port' }).describe('Ports of the Service.'),
  calls: z.array(dnsLabel()).default([]).describe('Services this one calls (same app).'),
  locality: z.enum(['prefer-local', 'spread'], { error: 'prefer-local or spread' }).default('prefer-local').describe('Default traffic locality; a fleet may override it per service.'),
  serviceAccount: dnsLabel().optional().describe('ServiceAccount of the service\'s workloads; defaults to `<app>-<service>`.'),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const WorkloadSchema = z.strictObject({
  service: dnsLabel().describe('The service this workload is a version of.'),
  version: dnsLabel().describe('Version label (`version: v1`).'),
  image: z.string().regex(/^[^\s:]+(:[^\s:]+)?(@sha256:[a-f0-9]{64})?$/, { error: 'a container image reference' }).describe('Container image, with a tag or digest.'),
  env: z.record(z.string().regex(ENV_NAME, { error: 'an environment variable name' }), z.string()).default({}).describe('Environment variables of the container (never secrets: dist is public to the cluster).'),
  replicas: z.number().int({ error: 'a whole number' }).min(0, { error: 'a number >= 0' }).max(1000, { error: 'a number <= 1000' }).default(1).describe('Replicas where placement sets neither replicas nor autoscaling.'),
  resources: ResourcesSchema.default({ cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '256Mi' } }).describe('Requests and limits of the container; a placement may override them per cluster.'),
  volumes: z.array(z.strictObject({
    name: dnsLabel().describe('Volume name, unique in the workload.'),
    mountPath: z.string().regex(/^\/[^\s]*$/, { error: 'an absolute path' }).describe('Where the volume is mounted; unique in the workload.'),
  })).default([]).describe('Writable emptyDir volumes the image needs (the root filesystem is read-only).'),
  securityContext: z.strictObject({
    runAsUser: z.number().int({ error: 'a whole number' }).min(1, { error: 'a non-root uid >= 1' }).optional().describe('UID to run as; the image\'s USER when unset (must not be root).'),
    readOnlyRootFilesystem: z.boolean().default(true).describe('Read-only root filesystem; `volumes` are the writable paths.'),
  }).prefault({}).describe('How the container runs: always non-root, without capabilities.'),
  podAnnotations: z.record(z.string().min(1), z.string()).default({}).describe('Annotations of the pods (Kubernetes annotation keys: `[prefix/]name`; at most 256 KiB in all).'),
});

export const IngressRouteSchema = z.union([
  z.strictObject({ exact: z.string().regex(/^\//, { error: 'a path starting with /' }).describe('This path only.') }),
  z.strictObject({ prefix: z.string().regex(/^\//, { error: 'a path starting with /' }).describe('This path and every path below it.') }),
], { error: 'a route: {exact: /path} or {prefix: /path}' });

export const AppDefinitionSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON schema pointer for editors that read it from the document (optional).'),
  namespace: dnsLabel().optional().describe('Namespace of every object of the app; defaults to the app name.'),
  services: z.record(dnsLabel(), AppServiceSchema).describe('Services by name (a DNS label): a Kubernetes Service each, with the services it calls.'),
  workloads: z.record(dnsLabel(), WorkloadSchema).describe('Workloads by name (the Deployment name): each a version of one service.'),
  /** How users reach the app through the Istio ingress gateways. */
  ingress: z.strictObject({
    service: dnsLabel().describe('The service users reach.'),
    port: port().describe('Its port that the ingress gateway routes to.'),
    hosts: z.array(hostPattern()).default(['*']).describe('Hostnames users reach the app at (ASCII; punycode for internationalized names), or `*`.'),
    routes: z.array(IngressRouteSchema).min(1, { error: 'at least one route' }).describe('Paths routed to the service.'),
  }).optional().describe('How users reach the app through the Istio ingress gateways; none when unset.'),
});

export type AppDefinitionData = z.output<typeof AppDefinitionSchema>;
export type WorkloadData = z.output<typeof WorkloadSchema>;
