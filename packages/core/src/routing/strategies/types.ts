/** A link a strategy orders: enough of it to sort and weigh. */
export interface Candidate {
  id: string;
  priority: number;
  weight: number;
}

/** What a strategy may use besides the links: the campaign's round-robin cursor and a random source in [0, 1). */
export interface StrategyContext {
  /** How many calls the campaign routed before this one. */
  cursor: number;
  random: () => number;
}

/** Orders one priority group's links (the group is already sorted by id, so the input order is stable). */
export type Strategy = <C extends Candidate>(group: readonly C[], ctx: StrategyContext) => C[];
