import type { Role } from '../base/access.js';
import type { Actor } from '../base/actor.js';

/**
 * Variables every request carries: who is asking (`actor`, anonymous until the auth middleware
 * resolves a session or token) and, on authenticated requests, how. Handlers get their services
 * from the area that mounts them, never from the request.
 */
export interface AppEnv {
  Variables: {
    actor: Actor;
    /** Set on authenticated requests. */
    auth: { userId: string; role: Role; via: 'session' | 'token'; csrfToken: string | null };
  };
}
