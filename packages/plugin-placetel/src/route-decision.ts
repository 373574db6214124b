/**
 * The seam for routing: the admin's fixed rule goes through core's `call.route` filter, so a
 * routing plugin (or core's routing area) can replace the decision before the webhook answers.
 */
import type { FilterContext, HookFilters, PluginHooks } from '@dialbook/core';
import type { RouteDecision } from './call-control.js';

type RouteInput = HookFilters['call.route'];

export async function routeDecision(hooks: PluginHooks, context: FilterContext, input: RouteInput): Promise<RouteDecision> {
  return (await hooks.apply('call.route', input, context)).decision;
}
