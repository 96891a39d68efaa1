/** Constructs of an app: what each cluster renders for it (see clusters/apps.ts). */
export * from './app-authorization.ts';
export * from './app-ingress.ts';
export * from './app-namespace.ts';
export * from './app-service-account.ts';
export * from './app-workload.ts';
export * from './mesh-service.ts';
export * from './service-traffic.ts';
export * from './workload-autoscaler.ts';
export * from './workload-disruption-budget.ts';
