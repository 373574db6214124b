import type { DirectoryInput } from './contracts.js';
import type { DirectoryServed } from './types.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A phone fetched a directory (or a caller-ID lookup), in-process or through a remote vendor service. Also written to the audit log. */
    'directory.served': DirectoryServed;
  }
  interface HookFilters {
    /** What a directory renderer is about to get (members in order, options, query); may drop, reorder or rewrite entries. */
    'directory.beforeRender': { input: DirectoryInput };
  }
}
