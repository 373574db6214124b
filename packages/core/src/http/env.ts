import type { Role } from '../base/access.js';
import type { Actor } from '../base/actor.js';
import type { Dialbook } from '../app/dialbook.js';

/** Variables every request carries. The accounts release resolves `actor` from the session or token. */
export interface AppEnv {
  Variables: {
    actor: Actor;
    dialbook: Dialbook;
    /** Set on authenticated requests. */
    auth: { userId: string; role: Role; via: 'session' | 'token'; csrfToken: string | null };
  };
}
