/**
 * The shape of an app definition file (`config/apps/<app>.yaml`): services, the workloads that
 * implement them, and which services call which. Where an app runs is fleet data (`apps.<app>.placement`
 * in the fleet file), so one definition serves every fleet.
 */
import { z } from 'zod';
import { dnsLabel, ResourcesSchema } from './schema.ts';

const port = () => z.number().int({ error: 'a whole number' }).min(1, { error: 'a port >= 1' }).max(65535, { error: 'a port <= 65535' });

export const ServicePortSchema = z.strictObject({
  name: dnsLabel().describe('Port name; Istio picks the protocol from it (`http`, `grpc`, `tcp`, …).'),
  port: port(),
  targetPort: port().optional().describe('Container port; defaults to `port`.'),
  protocol: z.enum(['HTTP', 'HTTP2', 'GRPC', 'TCP'], { error: 'HTTP, HTTP2, GRPC or TCP' }).default('HTTP'),
});

export const AppServiceSchema = z.strictObject({
  ports: z.array(ServicePortSchema).min(1, { error: 'at least one port' }),
  calls: z.array(dnsLabel()).default([]).describe('Services this one calls (same app).'),
  locality: z.enum(['prefer-local', 'spread'], { error: 'prefer-local or spread' }).default('prefer-local').describe('Default traffic locality; a fleet may override it per service.'),
  serviceAccount: dnsLabel().optional().describe('ServiceAccount of the service\'s workloads; defaults to `<app>-<service>`.'),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const WorkloadSchema = z.strictObject({
  service: dnsLabel().describe('The service this workload is a version of.'),
  version: dnsLabel().describe('Version label (`version: v1`).'),
  image: z.string().regex(/^[^\s:]+(:[^\s:]+)?(@sha256:[a-f0-9]{64})?$/, { error: 'a container image reference' }),
  env: z.record(z.string().regex(ENV_NAME, { error: 'an environment variable name' }), z.string()).default({}),
  replicas: z.number().int({ error: 'a whole number' }).min(0, { error: 'a number >= 0' }).max(1000, { error: 'a number <= 1000' }).default(1).describe('Replicas where placement sets neither replicas nor autoscaling.'),
  resources: ResourcesSchema.default({ cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '256Mi' } }),
  volumes: z.array(z.strictObject({ name: dnsLabel(), mountPath: z.string().regex(/^\/[^\s]*$/, { error: 'an absolute path' }) })).default([]).describe('Writable emptyDir volumes the image needs (the root filesystem is read-only).'),
  securityContext: z.strictObject({
    runAsUser: z.number().int({ error: 'a whole number' }).min(1, { error: 'a non-root uid >= 1' }).optional().describe('UID to run as; the image\'s USER when unset (must not be root).'),
    readOnlyRootFilesystem: z.boolean().default(true),
  }).prefault({}),
  podAnnotations: z.record(z.string().min(1), z.string()).default({}),
});

export const IngressRouteSchema = z.union([
  z.strictObject({ exact: z.string().regex(/^\//, { error: 'a path starting with /' }) }),
  z.strictObject({ prefix: z.string().regex(/^\//, { error: 'a path starting with /' }) }),
], { error: 'a route: {exact: /path} or {prefix: /path}' });

export const AppDefinitionSchema = z.strictObject({
  $schema: z.string().optional(),
  namespace: dnsLabel().optional().describe('Namespace of every object of the app; defaults to the app name.'),
  services: z.record(dnsLabel(), AppServiceSchema),
  workloads: z.record(dnsLabel(), WorkloadSchema),
  /** How users reach the app through the Istio ingress gateways. */
  ingress: z.strictObject({
    service: dnsLabel(),
    port: port(),
    hosts: z.array(z.string().min(1)).default(['*']),
    routes: z.array(IngressRouteSchema).min(1, { error: 'at least one route' }),
  }).optional(),
});

export type AppDefinitionData = z.output<typeof AppDefinitionSchema>;
export type WorkloadData = z.output<typeof WorkloadSchema>;
