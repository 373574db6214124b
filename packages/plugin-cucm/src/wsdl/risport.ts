/**
 * The built-in RisPort70 service description: `selectCmDevice` only, with the elements this
 * package reads. Written by this project from Cisco's RisPort70 API reference (Serviceability
 * XML, developer.cisco.com/docs/sxml) and the RISService70 WSDL shape a CUCM serves at
 * `/realtimeservice2/services/RISService70?wsdl`: namespace `http://schemas.cisco.com/ast/soap`,
 * qualified elements, SOAPAction `selectCmDevice`, service `RISService70`, port `RisPort70`.
 */

export const RIS_NAMESPACE = 'http://schemas.cisco.com/ast/soap';
export const RIS_PATH = '/realtimeservice2/services/RISService70';

const el = (name: string, type = 'xsd:string', extra = '') => `<xsd:element name="${name}" type="${type}"${extra}/>`;
const opt = (name: string, type = 'xsd:string') => el(name, type, ' minOccurs="0" nillable="true"');
const array = (name: string, item: string) =>
  `<xsd:complexType name="${name}"><xsd:sequence><xsd:element name="item" type="tns:${item}" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>`;

const SCHEMA = [
  `<xsd:complexType name="SelectItem"><xsd:sequence>${el('Item')}</xsd:sequence></xsd:complexType>`,
  array('ArrayOfSelectItem', 'SelectItem'),
  `<xsd:complexType name="CmSelectionCriteria"><xsd:sequence>${[
    el('MaxReturnedDevices', 'xsd:unsignedInt'),
    el('DeviceClass'),
    el('Model', 'xsd:unsignedInt'),
    el('Status'),
    el('NodeName'),
    el('SelectBy'),
    el('SelectItems', 'tns:ArrayOfSelectItem'),
    el('Protocol'),
    el('DownloadStatus'),
  ].join('')}</xsd:sequence></xsd:complexType>`,
  `<xsd:complexType name="IPAddressArrayType"><xsd:sequence>${opt('IP')}${opt('IPAddrType')}${opt('Attribute')}</xsd:sequence></xsd:complexType>`,
  array('ArrayOfIPAddressArrayType', 'IPAddressArrayType'),
  `<xsd:complexType name="CmDevSingleLineStatus"><xsd:sequence>${opt('DirectoryNumber')}${opt('Status')}</xsd:sequence></xsd:complexType>`,
  array('ArrayOfCmDevSingleLineStatus', 'CmDevSingleLineStatus'),
  `<xsd:complexType name="CmDevice"><xsd:sequence>${[
    opt('Name'),
    opt('DirNumber'),
    opt('DeviceClass'),
    opt('Model'),
    opt('Product'),
    opt('BoxProduct'),
    opt('Httpd'),
    opt('RegistrationAttempts'),
    opt('IsCtiControllable'),
    opt('LoginUserId'),
    opt('Status'),
    opt('StatusReason'),
    opt('PerfMonObject'),
    opt('DChannel'),
    opt('Description'),
    opt('H323Trunk', 'xsd:anyType'),
    opt('TimeStamp'),
    opt('Protocol'),
    opt('NumOfLines'),
    opt('LinesStatus', 'tns:ArrayOfCmDevSingleLineStatus'),
    opt('ActiveLoadID'),
    opt('InactiveLoadID'),
    opt('DownloadStatus'),
    opt('DownloadFailureReason'),
    opt('DownloadServer'),
    opt('IPAddress', 'tns:ArrayOfIPAddressArrayType'),
  ].join('')}</xsd:sequence></xsd:complexType>`,
  array('ArrayOfCmDevice', 'CmDevice'),
  `<xsd:complexType name="CmNode"><xsd:sequence>${opt('ReturnCode')}${opt('Name')}${opt('NoChange')}${opt('CmDevices', 'tns:ArrayOfCmDevice')}</xsd:sequence></xsd:complexType>`,
  array('ArrayOfCmNode', 'CmNode'),
  `<xsd:complexType name="SelectCmDeviceResult"><xsd:sequence>${opt('TotalDevicesFound')}${opt('CmNodes', 'tns:ArrayOfCmNode')}</xsd:sequence></xsd:complexType>`,
  `<xsd:complexType name="selectCmDeviceReturn"><xsd:sequence>${opt('SelectCmDeviceResult', 'tns:SelectCmDeviceResult')}${opt('StateInfo')}</xsd:sequence></xsd:complexType>`,
  `<xsd:element name="selectCmDevice"><xsd:complexType><xsd:sequence>${el('StateInfo')}${el('CmSelectionCriteria', 'tns:CmSelectionCriteria')}</xsd:sequence></xsd:complexType></xsd:element>`,
  `<xsd:element name="selectCmDeviceResponse"><xsd:complexType><xsd:sequence>${el('selectCmDeviceReturn', 'tns:selectCmDeviceReturn')}</xsd:sequence></xsd:complexType></xsd:element>`,
];

/** The RisPort70 WSDL text (starts with an XML declaration, so node-soap takes it as a document). */
export function risportWsdl(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Dialbook's own minimal RisPort70 service description (packages/plugin-cucm/src/wsdl). -->
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${RIS_NAMESPACE}" targetNamespace="${RIS_NAMESPACE}">
<wsdl:types><xsd:schema elementFormDefault="qualified" targetNamespace="${RIS_NAMESPACE}">
${SCHEMA.join('\n')}
</xsd:schema></wsdl:types>
<wsdl:message name="selectCmDeviceRequest"><wsdl:part element="tns:selectCmDevice" name="parameters"/></wsdl:message>
<wsdl:message name="selectCmDeviceResponse"><wsdl:part element="tns:selectCmDeviceResponse" name="parameters"/></wsdl:message>
<wsdl:portType name="RisPortType"><wsdl:operation name="selectCmDevice"><wsdl:input message="tns:selectCmDeviceRequest"/><wsdl:output message="tns:selectCmDeviceResponse"/></wsdl:operation></wsdl:portType>
<wsdl:binding name="RisBinding" type="tns:RisPortType"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
<wsdl:operation name="selectCmDevice"><soap:operation soapAction="selectCmDevice"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
</wsdl:binding>
<wsdl:service name="RISService70"><wsdl:port binding="tns:RisBinding" name="RisPort70"><soap:address location="https://CCMSERVERNAME:8443${RIS_PATH}"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`;
}
