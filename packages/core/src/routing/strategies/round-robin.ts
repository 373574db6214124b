import type { Strategy } from './types.js';

/** Round robin: the group's links in turn — call n starts at link n mod size, then the rest in order. */
export const roundRobinOrder: Strategy = (group, { cursor }) => {
  if (!group.length) return [];
  const start = ((cursor % group.length) + group.length) % group.length;
  return [...group.slice(start), ...group.slice(0, start)];
};
