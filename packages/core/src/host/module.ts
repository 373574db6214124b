import { Registry } from '../base/registry.js';
import { ContactSourcesToken, ContactsToken } from '../contacts/module.js';
import { DirectoryToken } from '../directory/module.js';
import { JobsToken } from '../jobs/module.js';
import { defineModule, provide, token } from '../module.js';
import { PhonebooksToken } from '../phonebooks/module.js';
import { SitesToken } from '../sites/module.js';
import type { DependencyContainer } from 'tsyringe';
import type { HealthCheck, PluginAction } from './contracts.js';
import type { PluginRegistries } from './describe.js';
import type { LoadedPlugin } from './load.js';
import type { PluginView } from './views.js';
import { contactActionRoutes } from './contact-routes.js';
import { pluginRoutes } from './routes.js';

/** The loaded plugin instances, in config order (registered by the composition root). */
export const PluginsToken = token<readonly LoadedPlugin[]>('host.plugins');
export const ActionsToken = token<Registry<PluginAction>>('host.actions');
export const HealthToken = token<Registry<HealthCheck>>('host.health');
export const ViewsToken = token<Registry<PluginView>>('host.views');

/** The registries a plugin description is read from. */
export const pluginRegistries = (c: DependencyContainer): PluginRegistries => ({
  contactSources: c.resolve(ContactSourcesToken).registry,
  renderers: c.resolve(DirectoryToken).renderers,
  actions: c.resolve(ActionsToken),
  health: c.resolve(HealthToken),
  views: c.resolve(ViewsToken),
});

/** The plugin host's own surface: plugin actions (buttons, contact and bulk actions), health checks, `GET /plugins`. */
export const hostModule = defineModule({
  name: 'plugins',
  register: (c) => {
    provide(c, ActionsToken, () => new Registry<PluginAction>('action'));
    provide(c, HealthToken, () => new Registry<HealthCheck>('health check'));
    provide(c, ViewsToken, () => new Registry<PluginView>('view'));
  },
  policies: [
    ['GET', '/plugins', 'user'],
    ['POST', '/actions/:actionId', 'staff'],
    ['GET', '/contacts/:id/actions', 'staff'],
    ['POST', '/contacts/:id/actions/:actionId', 'staff'],
    ['POST', '/actions/:actionId/bulk', 'staff'],
  ],
  routes: (c) => {
    const registries = pluginRegistries(c);
    const jobs = c.resolve(JobsToken);
    return [
      pluginRoutes({ plugins: c.resolve(PluginsToken), registries, jobs, sites: c.resolve(SitesToken) }),
      contactActionRoutes({ actions: registries.actions, contacts: c.resolve(ContactsToken), phonebooks: c.resolve(PhonebooksToken), jobs }),
    ];
  },
});
