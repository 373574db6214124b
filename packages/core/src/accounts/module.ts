import { linkBase } from '../config/load.js';
import { AuditToken } from '../audit/module.js';
import { MailRecipientsToken, MailToken } from '../mail/module.js';
import { CoreTokens, defineModule, provide, token } from '../module.js';
import { ActorNamesToken, SettingsToken } from '../settings/module.js';
import { actorEmail } from './records.js';
import { authRoutes } from './auth-routes.js';
import { ApiTokenEntity, AuthLinkEntity, SessionEntity, SigninAttemptEntity, UserEntity, UserSiteEntity } from './entities.js';
import { migrations } from './migrations.js';
import { userRoutes } from './routes.js';
import { AccountService } from './service.js';

export const AccountsToken = token<AccountService>('accounts');

/** Who a user is, as a plugin may know it: enough to say whose call or phone a record is. */
export interface PluginUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: 'invited' | 'active' | 'disabled';
  siteIds: string[];
}

/** `ctx.users`: look a Dialbook user up by id or e-mail address (null when none); never sessions, tokens or hashes. */
export interface UsersApi {
  findByEmail(email: string): Promise<PluginUser | null>;
  get(id: string): Promise<PluginUser | null>;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly users: UsersApi;
  }
}

const pluginUser = (u: { id: string; email: string; firstName: string | null; lastName: string | null; status: PluginUser['status']; siteIds: string[] }): PluginUser => ({ id: u.id, email: u.email, firstName: u.firstName, lastName: u.lastName, status: u.status, siteIds: [...u.siteIds] });

/** Accounts: users and their sites, e-mail sign-up and reset links, sessions, API tokens, sign-in throttling. */
export const accountsModule = defineModule({
  name: 'accounts',
  entities: [UserEntity, UserSiteEntity, AuthLinkEntity, SessionEntity, ApiTokenEntity, SigninAttemptEntity],
  migrations,
  register: (c) => {
    provide(c, AccountsToken, (r) =>
      new AccountService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Logger).child({ area: 'accounts' }), {
        publicUrl: linkBase(r.resolve(CoreTokens.Config).server),
        mail: r.resolve(MailToken),
        audit: r.resolve(AuditToken),
      }),
    );
    // Site and phonebook mails go to administrators, staff and the site's users (asked when a mail goes out).
    provide(c, MailRecipientsToken, (r) => (siteId) => r.resolve(AccountsToken).recipientsFor(siteId));
    // "Changed by" in settings: users and their API tokens by e-mail.
    provide(c, ActorNamesToken, (r) => (key) => actorEmail(r.resolve(CoreTokens.Orm).em.fork(), key));
  },
  policies: [
    ['POST', '/auth/signin', 'public'],
    ['POST', '/auth/signup', 'public'],
    ['POST', '/auth/password-reset', 'public'],
    ['POST', '/auth/password-reset/complete', 'public'],
    ['GET', '/auth/session', 'user'],
    ['POST', '/auth/signout', 'user'],
    ['GET', '/auth/tokens', 'user'],
    ['POST', '/auth/tokens', 'user'],
    ['DELETE', '/auth/tokens/:id', 'user'],
    ['GET', '/users', 'staff'],
    ['POST', '/users', 'staff'],
    ['GET', '/users/:id', 'staff'],
    ['PATCH', '/users/:id', 'staff'],
    ['DELETE', '/users/:id', 'staff'],
    ['POST', '/users/:id/invite', 'staff'],
    ['POST', '/users/:id/invitation-link', 'admin'],
  ],
  facade: (c): { users: UsersApi } => {
    const accounts = () => c.resolve(AccountsToken);
    return {
      users: {
        findByEmail: async (email) => {
          const u = await accounts().findByEmail(email.trim());
          return u ? pluginUser(u) : null;
        },
        get: async (id) => {
          if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
          try {
            return pluginUser(await accounts().getUser(id.toLowerCase()));
          } catch (err) {
            if ((err as { status?: number }).status === 404) return null;
            throw err;
          }
        },
      },
    };
  },
  routes: (c) => [authRoutes(c.resolve(AccountsToken), { trustProxy: c.resolve(CoreTokens.Config).server.trustProxy }), userRoutes(c.resolve(AccountsToken), c.resolve(SettingsToken))],
});

