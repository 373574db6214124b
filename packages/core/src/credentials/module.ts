import { CoreTokens, defineModule, provide, token } from '../module.js';
import { PhonebooksToken } from '../phonebooks/module.js';
import { MachineCredentialEntity } from './entities.js';
import './events.js';
import { credentialRoutes } from './routes.js';
import { CredentialService } from './service.js';

export const CredentialsToken = token<CredentialService>('credentials');

/** Machine credentials, each good for one purpose: desk phones (per phonebook), remote vendor services, telephony engines. */
export const credentialsModule = defineModule({
  name: 'credentials',
  entities: [MachineCredentialEntity],
  register: (c) => provide(c, CredentialsToken, (r) => new CredentialService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks))),
  policies: [
    ['GET', '/phonebooks/:id/credentials', 'user'],
    ['POST', '/phonebooks/:id/credentials', 'staff'],
    ['GET', '/credentials', 'staff'],
    ['DELETE', '/credentials/:id', 'staff'],
    ['POST', '/service-keys', 'admin'],
    ['POST', '/engine-tokens', 'admin'],
  ],
  routes: (c) => credentialRoutes(c.resolve(CredentialsToken), c.resolve(PhonebooksToken)),
});
