declare module '../hooks/types.js' {
  interface HookEvents {
    'notification.created': { id: string; siteId: string | null; title: string };
  }
}
export {};
