/**
 * The XML Schema part of the built-in AXL service description: only the request and response
 * types of the seven operations this package calls, and of those only the elements it sends or
 * reads. Written by this project from the documented shapes (AXL Developer Guide, AXL schema
 * reference for 14.0) — not copied from Cisco's AXLSoap.xsd. Element names, nesting and order
 * follow the 14.0 schema, so a cluster (and node-soap) sees the same document either way;
 * elements a cluster sends that are not listed here are still parsed (as untyped values).
 */

const string = (name: string, extra = '') => `<xsd:element minOccurs="0" name="${name}" type="xsd:string"${extra}/>`;
const fk = (name: string) => `<xsd:element minOccurs="0" name="${name}" type="axlapi:XFkType"/>`;
const seq = (...items: string[]) => `<xsd:sequence>${items.join('')}</xsd:sequence>`;
const uuid = '<xsd:attribute name="uuid" type="xsd:string" use="optional"/>';
const sequenceAttr = '<xsd:attribute name="sequence" type="xsd:unsignedLong" use="optional"/>';

/** `<return>` of a response: an anonymous type holding `inner`. */
const response = (name: string, inner: string) =>
  `<xsd:complexType name="${name}"><xsd:sequence><xsd:element name="return"><xsd:complexType>${seq(inner)}</xsd:complexType></xsd:element></xsd:sequence>${sequenceAttr}</xsd:complexType>`;

/** `list*` request: searchCriteria (inline, schema order), returnedTags, skip, first. */
const listRequest = (name: string, criteria: string[], tags: string) =>
  `<xsd:complexType name="${name}"><xsd:sequence>` +
  `<xsd:element name="searchCriteria"><xsd:complexType>${seq(...criteria.map((c) => string(c)))}</xsd:complexType></xsd:element>` +
  `<xsd:element minOccurs="1" name="returnedTags" type="axlapi:${tags}"/>` +
  '<xsd:element minOccurs="0" name="skip" type="xsd:unsignedLong"/><xsd:element minOccurs="0" name="first" type="xsd:unsignedLong"/>' +
  `</xsd:sequence>${sequenceAttr}</xsd:complexType>`;

/** `get*` request: name (or another key) | uuid, then returnedTags. */
const getRequest = (name: string, key: string, tags: string) =>
  `<xsd:complexType name="${name}"><xsd:sequence><xsd:choice><xsd:element name="${key}" type="xsd:string"/><xsd:element name="uuid" type="xsd:string"/></xsd:choice>` +
  `<xsd:element minOccurs="0" name="returnedTags" type="axlapi:${tags}"/></xsd:sequence>${sequenceAttr}</xsd:complexType>`;

const phoneHead = [string('name'), string('description'), string('product'), string('model'), string('class'), string('protocol'), fk('callingSearchSpaceName'), fk('devicePoolName'), fk('locationName')];

const TYPES = [
  '<xsd:complexType name="AXLError">' + seq('<xsd:element name="axlcode" type="xsd:int"/>', '<xsd:element name="axlmessage" type="xsd:string"/>', '<xsd:element name="request" type="xsd:string"/>') + '</xsd:complexType>',
  // Foreign keys: the referenced name as text, its uuid as an attribute.
  `<xsd:complexType name="XFkType"><xsd:simpleContent><xsd:extension base="xsd:string">${uuid}</xsd:extension></xsd:simpleContent></xsd:complexType>`,

  // getCCMVersion
  `<xsd:complexType name="GetCCMVersionReq">${seq(string('processNodeName'))}</xsd:complexType>`,
  '<xsd:complexType name="GetCCMVersionRes"><xsd:sequence><xsd:element name="return"><xsd:complexType><xsd:sequence><xsd:element name="componentVersion"><xsd:complexType>' +
    seq('<xsd:element name="version" type="xsd:string"/>') +
    `</xsd:complexType></xsd:element></xsd:sequence></xsd:complexType></xsd:element></xsd:sequence>${sequenceAttr}</xsd:complexType>`,

  // Phones: LPhone (listPhone), RPhone with lines (getPhone).
  `<xsd:complexType name="LPhone"><xsd:sequence minOccurs="0">${[...phoneHead, fk('securityProfileName'), string('loginUserId'), fk('currentProfileName'), fk('ownerUserName'), string('isActive')].join('')}</xsd:sequence>${uuid}</xsd:complexType>`,
  `<xsd:complexType name="RDirn"><xsd:sequence minOccurs="0">${string('pattern')}${fk('routePartitionName')}</xsd:sequence>${uuid}</xsd:complexType>`,
  `<xsd:complexType name="RPhoneLine"><xsd:sequence minOccurs="0">${string('index')}${string('label')}${string('display')}<xsd:element minOccurs="0" name="dirn" type="axlapi:RDirn"/>${string('e164Mask')}</xsd:sequence>${uuid}</xsd:complexType>`,
  `<xsd:complexType name="RPhone"><xsd:sequence minOccurs="0">${[
    ...phoneHead,
    '<xsd:element minOccurs="0" name="lines"><xsd:complexType><xsd:sequence><xsd:element maxOccurs="unbounded" minOccurs="0" name="line" type="axlapi:RPhoneLine"/></xsd:sequence></xsd:complexType></xsd:element>',
    string('loginUserId'),
    fk('ownerUserName'),
    string('isActive'),
  ].join('')}</xsd:sequence>${uuid}</xsd:complexType>`,
  listRequest('ListPhoneReq', ['name', 'description', 'protocol', 'callingSearchSpaceName', 'devicePoolName', 'securityProfileName'], 'LPhone'),
  response('ListPhoneRes', '<xsd:element maxOccurs="unbounded" minOccurs="0" name="phone" type="axlapi:LPhone"/>'),
  getRequest('GetPhoneReq', 'name', 'RPhone'),
  response('GetPhoneRes', '<xsd:element name="phone" type="axlapi:RPhone"/>'),

  // Users: RUser with the associated (controlled) devices.
  `<xsd:complexType name="RUser"><xsd:sequence minOccurs="0">${[
    string('firstName'),
    string('displayName'),
    string('lastName'),
    string('userid'),
    string('mailid'),
    string('department'),
    '<xsd:element minOccurs="0" name="associatedDevices"><xsd:complexType><xsd:sequence><xsd:element maxOccurs="unbounded" minOccurs="0" name="device" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>',
    `<xsd:element minOccurs="0" name="primaryExtension"><xsd:complexType><xsd:sequence>${string('pattern')}${string('routePartitionName')}</xsd:sequence></xsd:complexType></xsd:element>`,
    string('telephoneNumber'),
  ].join('')}</xsd:sequence>${uuid}</xsd:complexType>`,
  getRequest('GetUserReq', 'userid', 'RUser'),
  response('GetUserRes', '<xsd:element name="user" type="axlapi:RUser"/>'),

  // Forced authorization codes.
  `<xsd:complexType name="LFacInfo"><xsd:sequence minOccurs="0">${string('name')}${string('code')}${string('authorizationLevel')}</xsd:sequence>${uuid}</xsd:complexType>`,
  `<xsd:complexType name="RFacInfo"><xsd:sequence minOccurs="0">${string('name')}${string('code')}${string('authorizationLevel')}</xsd:sequence>${uuid}</xsd:complexType>`,
  listRequest('ListFacInfoReq', ['name', 'code', 'authorizationLevel'], 'LFacInfo'),
  response('ListFacInfoRes', '<xsd:element maxOccurs="unbounded" minOccurs="0" name="facInfo" type="axlapi:LFacInfo"/>'),
  getRequest('GetFacInfoReq', 'name', 'RFacInfo'),
  response('GetFacInfoRes', '<xsd:element name="facInfo" type="axlapi:RFacInfo"/>'),

  // Read-only SQL: each row's children are its columns.
  `<xsd:complexType name="ExecuteSQLQueryReq"><xsd:sequence><xsd:element name="sql" type="xsd:string"/></xsd:sequence>${sequenceAttr}</xsd:complexType>`,
  response('ExecuteSQLQueryRes', '<xsd:element maxOccurs="unbounded" minOccurs="0" name="row" type="xsd:anyType"/>'),
];

/** The operations, with their request and response type names. */
export const AXL_OPERATIONS = {
  getCCMVersion: ['GetCCMVersionReq', 'GetCCMVersionRes'],
  listPhone: ['ListPhoneReq', 'ListPhoneRes'],
  getPhone: ['GetPhoneReq', 'GetPhoneRes'],
  getUser: ['GetUserReq', 'GetUserRes'],
  listFacInfo: ['ListFacInfoReq', 'ListFacInfoRes'],
  getFacInfo: ['GetFacInfoReq', 'GetFacInfoRes'],
  executeSQLQuery: ['ExecuteSQLQueryReq', 'ExecuteSQLQueryRes'],
} as const;

export type AxlOperation = keyof typeof AXL_OPERATIONS;

/** The `<xsd:schema>` for namespace `ns`. */
export function axlSchema(ns: string, version: string): string {
  const elements = Object.entries(AXL_OPERATIONS).map(
    ([op, [req, res]]) => `<xsd:element name="${op}" type="axlapi:${req}"/><xsd:element name="${op}Response" type="axlapi:${res}"/>`,
  );
  return (
    `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:axlapi="${ns}" attributeFormDefault="unqualified" elementFormDefault="unqualified" targetNamespace="${ns}" version="${version}">\n` +
    '<xsd:element name="axlError" type="axlapi:AXLError"/>\n' +
    [...TYPES, ...elements].join('\n') +
    '\n</xsd:schema>'
  );
}
