import { ContactEntity, ContactPhoneEntity, PhonebookMemberEntity } from './contact.js';
import { HistoryEntity } from './history.js';
import { NotificationEntity } from './notification.js';
import { PhonebookEntity } from './phonebook.js';
import { SiteEntity } from './site.js';

export * from './contact.js';
export * from './history.js';
export * from './notification.js';
export * from './phonebook.js';
export * from './site.js';

export const coreEntities = [SiteEntity, PhonebookEntity, ContactEntity, ContactPhoneEntity, PhonebookMemberEntity, HistoryEntity, NotificationEntity];
