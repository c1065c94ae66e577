import { emptyInfra, type Infra, type Machine } from '../../src/core/config/model.js';

/** A machine as the config would hold it, for tests that render or run server parts directly. */
export function testMachine(rootPrefix: string, infra: Partial<Infra>): Machine {
  return {
    host: '127.0.0.1', user: 'root', port: 22, sshKey: undefined, hostKeys: [], datastore: '/mnt/rediacc', rootPrefix,
    infra: { ...emptyInfra(), ...infra }, dnsZone: undefined,
  };
}
