import { CoreTokens, defineModule, provide, token } from '../module.js';
import { AuditEventEntity } from './entities.js';
import { migrations } from './migrations.js';
import { auditRoutes } from './routes.js';
import { AuditService } from './service.js';

export const AuditToken = token<AuditService>('audit');

/** Audit: who did what through the API, every sign-in attempt, account changes and phone fetches. */
export const auditModule = defineModule({
  name: 'audit',
  entities: [AuditEventEntity],
  migrations,
  register: (c) => provide(c, AuditToken, (r) => new AuditService(r.resolve(CoreTokens.Orm))),
  policies: [['GET', '/audit', 'staff']],
  routes: (c) => auditRoutes(c.resolve(AuditToken)),
});
