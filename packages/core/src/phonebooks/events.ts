import type { PhonebookDto } from './types.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A phonebook was created (also reported as `phonebook.changed` with reason `phonebook.created`). */
    'phonebook.created': { phonebook: PhonebookDto };
  }
}
