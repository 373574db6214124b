import { CredentialsToken } from '../credentials/module.js';
import { DirectoryToken } from '../directory/module.js';
import { ClusterToken, CoreTokens, defineModule, provide, token } from '../module.js';
import { PhonebooksToken } from '../phonebooks/module.js';
import { SitesToken } from '../sites/module.js';
import { VendorServicePairEntity } from './entities.js';
import { VendorHub } from './hub.js';
import { migrations } from './migrations.js';
import { vendorRoutes } from './routes.js';
import { VendorServices } from './service.js';

export const VendorsToken = token<VendorServices>('vendors');
export const VendorHubToken = token<VendorHub>('vendors.hub');

/** Remote vendor services (`dialbook-yealink`): their websocket, live (phonebook, vendor) states, stored configurations. */
export const vendorsModule = defineModule({
  name: 'vendors',
  entities: [VendorServicePairEntity],
  migrations,
  register: (c) => {
    provide(c, VendorsToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      return new VendorServices({
        orm: r.resolve(CoreTokens.Orm),
        hooks: r.resolve(CoreTokens.Hooks),
        channels: r.resolve(CoreTokens.Channels),
        credentials: r.resolve(CredentialsToken),
        phonebooks: r.resolve(PhonebooksToken),
        sites: r.resolve(SitesToken),
        directory: r.resolve(DirectoryToken),
        logger: r.resolve(CoreTokens.Logger).child({ area: 'vendors' }),
        secretKey: config.secretKey,
        answerTimeoutMs: config.vendorServices.answerTimeoutMs,
      });
    });
    provide(c, VendorHubToken, (r) => new VendorHub(r.resolve(VendorsToken), r.resolve(CredentialsToken), r.resolve(CoreTokens.Logger).child({ area: 'vendors' }), { heartbeatMs: r.resolve(CoreTokens.Config).vendorServices.heartbeatMs }));
  },
  policies: [
    ['GET', '/phonebooks/:id/vendors', 'user'],
    ['GET', '/phonebooks/:id/vendors/:vendor', 'user'],
    ['POST', '/phonebooks/:id/vendors/:vendor/setup', 'staff'],
    ['PUT', '/phonebooks/:id/vendors/:vendor/configuration', 'staff'],
    ['POST', '/phonebooks/:id/vendors/:vendor/enable', 'staff'],
    ['POST', '/phonebooks/:id/vendors/:vendor/disable', 'staff'],
    ['GET', '/vendor-services', 'staff'],
  ],
  routes: (c) => vendorRoutes(c.resolve(VendorsToken)),
  start: (c) => {
    // Vendor services connected to any instance are shown, and commanded, from every instance.
    const cluster = c.resolve(ClusterToken);
    if (cluster) c.resolve(VendorsToken).joinCluster(cluster, c.resolve(CoreTokens.Config).vendorServices.heartbeatMs);
  },
  stop: (c) => c.resolve(VendorHubToken).close(),
});
