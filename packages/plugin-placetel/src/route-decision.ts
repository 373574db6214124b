/**
 * The seam for routing: the admin's fixed rule goes through core's `call.route` filter, so the
 * routing area can replace the decision later. A plugin's hooks façade can register filters but
 * (yet) not run them: until core offers `ctx.hooks.apply`, the rule stands as it is.
 */
import type { FilterContext, HookFilters, PluginHooks } from '@dialbook/core';
import type { RouteDecision } from './call-control.js';

type RouteInput = HookFilters['call.route'];
type Applying = PluginHooks & { apply?: (name: 'call.route', value: RouteInput, context: FilterContext) => Promise<RouteInput> };

export async function routeDecision(hooks: PluginHooks, context: FilterContext, input: RouteInput): Promise<RouteDecision> {
  const apply = (hooks as Applying).apply;
  if (typeof apply !== 'function') return input.decision;
  return (await apply.call(hooks, 'call.route', input, context)).decision;
}
