import { ApiTokenEntity, AuditEventEntity, AuthLinkEntity, MachineCredentialEntity, SessionEntity, SigninAttemptEntity, UserEntity, UserSiteEntity } from '../../accounts/entities.js';
import { ContactEntity, ContactPhoneEntity, PhonebookMemberEntity } from '../../contacts/entities.js';
import { HistoryEntity } from '../../contacts/history-entity.js';
import { JobRunEntity } from '../../jobs/entities.js';
import { MailOutboxEntity } from '../../mail/entities.js';
import { NotificationEntity } from '../../notifications/entities.js';
import { PhonebookEntity } from '../../phonebooks/entities.js';
import { SettingEntity } from '../../settings/entities.js';
import { SiteEntity } from '../../sites/entities.js';
import { VendorServicePairEntity } from '../../vendors/entities.js';

export * from '../../accounts/entities.js';
export * from '../../contacts/entities.js';
export * from '../../contacts/history-entity.js';
export * from '../../jobs/entities.js';
export * from '../../mail/entities.js';
export * from '../../notifications/entities.js';
export * from '../../phonebooks/entities.js';
export * from '../../settings/entities.js';
export * from '../../sites/entities.js';
export * from '../../vendors/entities.js';

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
