import type { Strategy } from './types.js';

/** Priority: within a group, the heavier link first (then by id): a fixed order, failing over down the list. */
export const priorityOrder: Strategy = (group) => [...group].sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
