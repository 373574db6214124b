import type { Actor } from '../base/actor.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    /** Settings were saved through the API: which key paths changed (never their values) and who did it. */
    'settings.changed': { category: string; scope: string; keys: string[]; actor: Actor };
  }
}
