/**
 * `@dialbook/test-slapd`: a real OpenLDAP `slapd` for tests and benchmarks (see ./slapd.ts), the
 * LDIF helpers it uses (./ldif.ts) and deterministic directory data (./fixtures.ts).
 *
 * ```ts
 * import { defaultPeople, describeWithSlapd, startSlapd, type Slapd } from '@dialbook/test-slapd';
 * ```
 */
export * from './slapd.js';
export * from './ldif.js';
export * from './fixtures.js';
