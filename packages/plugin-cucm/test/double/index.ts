/**
 * The CUCM test double as a package export (`@dialbook/plugin-cucm/test-double`, resolved only under the
 * `dialbook-source` condition the tests run with): a protocol-level stand-in for a CUCM publisher, since no
 * CUCM can run in a test — AXL served with `soap.listen()` from Cisco's AXL 14.0 WSDL and RisPort70, over
 * HTTPS with a certificate from a test CA. For integration tests of other packages (the admin app's Chromium
 * tests); see the README's "Tests".
 *
 * ```ts
 * import { startCucmDouble } from '@dialbook/plugin-cucm/test-double';
 * const cucm = await startCucmDouble();
 * cucm.data.addUser({ userid: 'jdoe', firstName: 'John', lastName: 'Doe' });
 * await core.request('/api/v1/settings/cucm', { method: 'PATCH', json: cucm.connection }); // host, port, username, password, tls.ca
 * ```
 */
export { startCucmDouble, type CucmCounts, type CucmDouble, type CucmDoubleOptions } from './server.js';
export { CucmData, type DoubleFac, type DoubleLine, type DoublePhone, type DoubleRegistration, type DoubleUser } from './cucm-data.js';
export type { FaultKind } from './faults.js';
