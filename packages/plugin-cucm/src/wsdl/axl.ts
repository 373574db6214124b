/**
 * The built-in AXL service description: a WSDL 1.1 document (document/literal, one port) with
 * the schema inline, for any schema version. Namespace `http://www.cisco.com/AXL/API/<ver>` and
 * SOAPAction `CUCM:DB ver=<ver> <operation>` carry the same version, as the AXL Developer Guide
 * requires. Service, port, binding and message names are the ones Cisco's AXLAPI.wsdl uses.
 */
import { AXL_OPERATIONS, axlSchema } from './axl-schema.js';
import { isVersion } from './versions.js';

export const axlNamespace = (version: string): string => `http://www.cisco.com/AXL/API/${version}`;
export const axlSoapAction = (version: string, operation: string): string => `CUCM:DB ver=${version} ${operation}`;

/**
 * The WSDL text for `version` (e.g. `14.0`). Starts with an XML declaration, so
 * `soap.createClientAsync(text)` takes it as a document rather than a path.
 *
 * @example
 * const client = await soap.createClientAsync(axlWsdl('14.0'), { endpoint: 'https://cucm:8443/axl/' });
 */
export function axlWsdl(version: string): string {
  if (!isVersion(version)) throw new Error(`"${version}" is not an AXL schema version (e.g. 14.0)`);
  const ns = axlNamespace(version);
  const ops = Object.keys(AXL_OPERATIONS);
  const messages = ops.map(
    (op) =>
      `<message name="${op}In"><part element="xsd1:${op}" name="axlParams"/></message>\n` +
      `<message name="${op}Out"><part element="xsd1:${op}Response" name="axlParams"/></message>`,
  );
  const portOps = ops.map(
    (op) => `<operation name="${op}"><input message="s0:${op}In"/><output message="s0:${op}Out"/><fault name="fault" message="s0:AXLError"/></operation>`,
  );
  const bindingOps = ops.map(
    (op) =>
      `<operation name="${op}"><soap:operation soapAction="${axlSoapAction(version, op)}" style="document"/>` +
      '<input><soap:body use="literal"/></input><output><soap:body use="literal"/></output>' +
      '<fault name="fault"><soap:fault name="fault" use="literal"/></fault></operation>',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Dialbook's own minimal AXL ${version} service description (packages/plugin-cucm/src/wsdl). -->
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s0="http://www.cisco.com/AXLAPIService/" xmlns:xsd1="${ns}" targetNamespace="http://www.cisco.com/AXLAPIService/">
<types>
${axlSchema(ns, version)}
</types>
<message name="AXLError"><part element="xsd1:axlError" name="parameters"/></message>
${messages.join('\n')}
<portType name="AXLPort">
${portOps.join('\n')}
</portType>
<binding name="AXLAPIBinding" type="s0:AXLPort">
<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindingOps.join('\n')}
</binding>
<service name="AXLAPIService"><port binding="s0:AXLAPIBinding" name="AXLPort"><soap:address location="https://CCMSERVERNAME:8443/axl/"/></port></service>
</definitions>
`;
}
