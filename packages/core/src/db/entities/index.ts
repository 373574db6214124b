import { ApiTokenEntity, AuditEventEntity, AuthLinkEntity, MachineCredentialEntity, SessionEntity, SigninAttemptEntity, UserEntity, UserSiteEntity } from './account.js';
import { ContactEntity, ContactPhoneEntity, PhonebookMemberEntity } from './contact.js';
import { HistoryEntity } from './history.js';
import { JobRunEntity } from './job.js';
import { MailOutboxEntity } from './mail-outbox.js';
import { NotificationEntity } from './notification.js';
import { PhonebookEntity } from './phonebook.js';
import { SettingEntity } from './setting.js';
import { SiteEntity } from './site.js';
import { VendorServicePairEntity } from '../../vendors/entity.js';

export * from './account.js';
export * from './contact.js';
export * from './history.js';
export * from './job.js';
export * from './mail-outbox.js';
export * from './notification.js';
export * from './phonebook.js';
export * from './setting.js';
export * from './site.js';
export * from '../../vendors/entity.js';

export const coreEntities = [
  SiteEntity,
  PhonebookEntity,
  ContactEntity,
  ContactPhoneEntity,
  PhonebookMemberEntity,
  HistoryEntity,
  NotificationEntity,
  UserEntity,
  UserSiteEntity,
  AuthLinkEntity,
  SessionEntity,
  ApiTokenEntity,
  MachineCredentialEntity,
  AuditEventEntity,
  JobRunEntity,
  // settings and mail (0003-settings-mail)
  SettingEntity,
  MailOutboxEntity,
  // remote vendor services (0006-vendor-services)
  VendorServicePairEntity,
  // sign-in failures per address (0009-signin-attempts)
  SigninAttemptEntity,
];
