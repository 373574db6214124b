import { Registry } from '../base/registry.js';
import { ContactsToken } from '../contacts/module.js';
import { CredentialsToken } from '../credentials/module.js';
import { CoreTokens, defineModule, provide, token } from '../module.js';
import { PhonebooksToken } from '../phonebooks/module.js';
import type { DirectoryRenderer } from './contracts.js';
import './events.js';
import { migrations } from './migrations.js';
import { directoryRoutes, phoneDirectoryRoutes, type DirectoryRouteDeps } from './routes.js';
import { DirectoryService } from './service.js';
import type { DependencyContainer } from 'tsyringe';

export const DirectoryToken = token<DirectoryService>('directory');

/** The façade plugins get as `ctx.directory`: register a phone vendor's renderer. */
export interface DirectoryApi {
  registerRenderer(renderer: DirectoryRenderer): void;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly directory: DirectoryApi;
  }
}

const routeDeps = (c: DependencyContainer): DirectoryRouteDeps => {
  const { server } = c.resolve(CoreTokens.Config);
  return { directory: c.resolve(DirectoryToken), credentials: c.resolve(CredentialsToken), phonebooks: c.resolve(PhonebooksToken), trustProxy: server.trustProxy, publicUrl: server.publicUrl };
};

/** Phone directories: members → order → `directory.beforeRender` → the vendor's renderer → cached bytes with an ETag; the fetch audit. */
export const directoryModule = defineModule({
  name: 'directory',
  migrations,
  register: (c) =>
    provide(c, DirectoryToken, (r) =>
      new DirectoryService({
        orm: r.resolve(CoreTokens.Orm),
        hooks: r.resolve(CoreTokens.Hooks),
        renderers: new Registry<DirectoryRenderer>('directory renderer'),
        phonebooks: r.resolve(PhonebooksToken),
        contacts: r.resolve(ContactsToken),
        logger: r.resolve(CoreTokens.Logger).child({ area: 'directory' }),
      }),
    ),
  policies: [
    ['GET', '/phonebooks/:id/directory', 'user'],
    ['PUT', '/phonebooks/:id/directory/:vendor', 'user'],
  ],
  routes: (c) => directoryRoutes(routeDeps(c)),
  rootRoutes: (c) => phoneDirectoryRoutes(routeDeps(c)),
  facade: (c, plugin): { directory: DirectoryApi } => {
    const renderers = c.resolve(DirectoryToken).renderers;
    return { directory: { registerRenderer: (renderer) => void renderers.register(renderer, plugin.id) } };
  },
  stop: (c) => c.resolve(DirectoryToken).stop(), // writes the queued fetch audit rows
});
