import { describe, expect, test } from 'vitest';
import { mapSelectCmDevice } from './mapping.js';

const dev = (over: Record<string, unknown>) => ({ Name: 'SEP001122334455', Status: 'Registered', TimeStamp: '1700000000', IPAddress: { item: [{ IP: '10.0.0.5', IPAddrType: 'ipv4' }] }, ActiveLoadID: 'sip88xx.14-2-1', ...over });

describe('selectCmDevice mapping', () => {
  test('entries of one device on several nodes merge: Registered first, then the newest', () => {
    const ret = {
      SelectCmDeviceResult: {
        TotalDevicesFound: '4',
        CmNodes: {
          item: [
            { Name: 'sub1', ReturnCode: 'Ok', CmDevices: { item: [dev({ Status: 'UnRegistered', TimeStamp: '1700000500' }), dev({ Name: 'SEPAAAAAAAAAAAA', Status: 'UnRegistered', TimeStamp: '1700000100', IPAddress: null })] } },
            { Name: 'sub2', ReturnCode: 'Ok', CmDevices: { item: dev({}) } },
            { Name: 'sub3', ReturnCode: 'NotFound', CmDevices: null },
            { Name: 'sub4', ReturnCode: 'Ok', CmDevices: { item: [dev({ Name: 'sepaaaaaaaaaaaa', Status: 'Rejected', TimeStamp: '1700000900', StatusReason: '6', IPAddress: null })] } },
          ],
        },
      },
    };
    const { total, devices } = mapSelectCmDevice(ret);
    expect(total).toBe(4);
    expect(devices.get('SEP001122334455')).toMatchObject({ status: 'Registered', node: 'sub2', ip: '10.0.0.5', activeLoad: 'sip88xx.14-2-1', lastSeen: new Date(1700000000 * 1000) });
    expect(devices.get('SEPAAAAAAAAAAAA')).toMatchObject({ status: 'Rejected', node: 'sub4', statusReason: 6, ip: null });
  });

  test('an empty answer', () => {
    expect(mapSelectCmDevice({ SelectCmDeviceResult: { TotalDevicesFound: '0', CmNodes: { item: [{ Name: 'sub1', ReturnCode: 'NotFound', CmDevices: '' }] } } }).devices.size).toBe(0);
    expect(mapSelectCmDevice(null).devices.size).toBe(0);
  });
});
