import { Registry } from '../base/registry.js';
import { defineModule, provide, token } from '../module.js';
import type { RouteExecutor } from './contracts.js';

/** The registered route executors (Asterisk FastAGI). Campaigns, DIDs and decisions come with the routing issue. */
export const RouteExecutorsToken = token<Registry<RouteExecutor>>('routing.executors');

/** The façade plugins get as `ctx.routing` (telephony call routing; "routes" stays the word for HTTP). */
export interface RoutingApi {
  registerExecutor(executor: RouteExecutor): void;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly routing: RoutingApi;
  }
}

/** Routing: where route executors register today; campaigns, DIDs, clients and caps join this folder. */
export const routingModule = defineModule({
  name: 'routing',
  register: (c) => provide(c, RouteExecutorsToken, () => new Registry<RouteExecutor>('route executor')),
  facade: (c, plugin): { routing: RoutingApi } => {
    const executors = c.resolve(RouteExecutorsToken);
    return { routing: { registerExecutor: (executor) => void executors.register(executor, plugin.id) } };
  },
});
