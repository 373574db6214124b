import { Registry } from '../base/registry.js';
import { defineModule, provide, token } from '../module.js';
import type { CallSource } from './contracts.js';

/** The registered call sources (Teams, Placetel, Asterisk CDR). The call log itself comes with the calls issue. */
export const CallSourcesToken = token<Registry<CallSource>>('calls.sources');

/** The façade plugins get as `ctx.calls`. */
export interface CallsApi {
  registerSource(source: CallSource): void;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly calls: CallsApi;
  }
}

/** Calls: where call sources register today; the unified call log joins this folder. */
export const callsModule = defineModule({
  name: 'calls',
  register: (c) => provide(c, CallSourcesToken, () => new Registry<CallSource>('call source')),
  facade: (c, plugin): { calls: CallsApi } => {
    const sources = c.resolve(CallSourcesToken);
    return { calls: { registerSource: (source) => void sources.register(source, plugin.id) } };
  },
});
