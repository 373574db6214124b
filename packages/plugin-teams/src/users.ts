/**
 * Teams user → Dialbook user: the `users` setting (Entra object id or UPN → e-mail address) first,
 * then, with `matchByUpn`, the Dialbook user whose e-mail address is the UPN (`ctx.users`).
 * One resolver per sync, remembering its answers.
 */
import type { Party } from './parties.js';
import type { TeamsSettings } from './settings.js';

export interface UserLookup {
  findByEmail(email: string): Promise<{ id: string } | null>;
}

export class UserResolver {
  private readonly listed = new Map<string, string>();
  private readonly known = new Map<string, Promise<string | null>>();

  constructor(
    private readonly settings: TeamsSettings,
    private readonly users: UserLookup,
  ) {
    for (const [k, email] of Object.entries(settings.users)) this.listed.set(k.toLowerCase(), email);
  }

  /** Is the party one of the listed users? */
  isListed(p: Party): boolean {
    return (!!p.id && this.listed.has(p.id.toLowerCase())) || (!!p.upn && this.listed.has(p.upn.toLowerCase()));
  }

  userIdOf(p: Party | null): Promise<string | null> {
    if (!p) return Promise.resolve(null);
    const email = (p.id && this.listed.get(p.id.toLowerCase())) || (p.upn && this.listed.get(p.upn.toLowerCase())) || (this.settings.matchByUpn && p.upn) || null;
    if (!email) return Promise.resolve(null);
    const key = email.toLowerCase();
    let hit = this.known.get(key);
    if (!hit) {
      hit = this.users.findByEmail(key).then((u) => u?.id ?? null);
      this.known.set(key, hit);
    }
    return hit;
  }
}
