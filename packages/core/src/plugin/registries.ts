import type { CallSource, ContactSource, DirectoryRenderer, HealthCheck, PluginAction, RouteExecutor } from './contracts.js';
import { Registry } from '../base/registry.js';

export interface Registries {
  contactSources: Registry<ContactSource>;
  callSources: Registry<CallSource>;
  renderers: Registry<DirectoryRenderer>;
  routeExecutors: Registry<RouteExecutor>;
  actions: Registry<PluginAction>;
  health: Registry<HealthCheck>;
}

export function createRegistries(): Registries {
  return {
    contactSources: new Registry<ContactSource>('contact source'),
    callSources: new Registry<CallSource>('call source'),
    renderers: new Registry<DirectoryRenderer>('directory renderer'),
    routeExecutors: new Registry<RouteExecutor>('route executor'),
    actions: new Registry<PluginAction>('action'),
    health: new Registry<HealthCheck>('health check'),
  };
}

export const freezeAll = (r: Registries): void => {
  for (const reg of Object.values(r)) reg.freeze();
};
