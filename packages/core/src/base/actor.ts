/** Who made a change. Written into History and audit rows as `type:id`. */
export interface Actor {
  type: 'user' | 'apiKey' | 'phone' | 'service' | 'plugin' | 'system' | 'anonymous';
  /** Stable id within the type (user id, plugin instance id, …). */
  id: string;
  /** Human-readable label, e.g. an e-mail address. */
  name?: string;
}

export const systemActor: Actor = { type: 'system', id: 'system', name: 'Dialbook' };
export const anonymousActor: Actor = { type: 'anonymous', id: 'anonymous' };
export const pluginActor = (instanceId: string): Actor => ({ type: 'plugin', id: instanceId, name: `plugin ${instanceId}` });
export const actorKey = (a: Actor): string => `${a.type}:${a.id}`;
