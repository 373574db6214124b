import { CoreTokens, defineModule, provide, token } from '../module.js';
import { SettingEntity } from './entities.js';
import './events.js';
import { migrations } from './migrations.js';
import { settingsRoutes } from './routes.js';
import { SettingsService } from './service.js';
import { DialbookError } from '../base/errors.js';

export const SettingsToken = token<SettingsService>('settings');
/** Who an actor key is, for "changed by" (an e-mail): provided by the area that knows the people (accounts). */
export const ActorNamesToken = token<(key: string) => Promise<string | null>>('settings.actor-names');

/** Settings: runtime settings by category (one per plugin instance, and `email`), secrets encrypted at rest. */
export const settingsModule = defineModule({
  name: 'settings',
  entities: [SettingEntity],
  // 0003-settings-mail created the mail outbox too (mail has no migration of its own yet).
  migrations,
  register: (c) =>
    provide(c, SettingsToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      return new SettingsService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks), r.resolve(CoreTokens.Logger).child({ area: 'settings' }), {
        secretKey: config.secretKey,
        overrides: config.settings,
        actorNames: r.isRegistered(ActorNamesToken, true) ? r.resolve(ActorNamesToken) : undefined,
      });
    }),
  policies: [
    ['GET', '/settings', 'admin'],
    ['GET', '/settings/:category', 'admin'],
    ['PATCH', '/settings/:category', 'admin'],
  ],
  routes: (c) => settingsRoutes(c.resolve(SettingsToken)),
  // `ctx.settings` (declared with the plugin context, it carries the plugin's settings type).
  facade: (c, plugin) => {
    const settings = c.resolve(SettingsToken);
    return {
      settings: {
        get: async (siteId?: string | null) => {
          if (!settings.has(plugin.id)) throw new DialbookError('DIALBOOK_SETTINGS_UNKNOWN_CATEGORY', `plugin "${plugin.id}" declares no settings schema`, { plugin: plugin.id });
          return settings.get(plugin.id, siteId);
        },
      },
    };
  },
  // Config/env settings naming unknown categories or keys, all at once (every category is registered by now).
  start: async (c) => {
    await c.resolve(SettingsToken).checkSecrets(); // warns when stored secrets cannot be read (key missing or changed)
  },
});
