declare module '../hooks/types.js' {
  interface HookEvents {
    /** A machine credential (phone, service key, engine token) was revoked: every instance forgets it at once. */
    'credential.revoked': { id: string; kind: 'phonebook' | 'service' | 'engine' };
  }
}
export {};
