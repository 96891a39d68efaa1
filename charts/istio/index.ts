export * from './chart-source.ts';
export * from './gateways.ts';
export * from './istio-base.ts';
export * from './istio-release.ts';
export * from './istiod.ts';
export * from './mesh-policy.ts';
export * from './names.ts';
export * from './values.ts';
