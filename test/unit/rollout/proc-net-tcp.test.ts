import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { establishedTo, listensOn, parseProcNetTcp, wildcardOnly } from '../../../src/renet/rollout/proc-net-tcp.js';

/** Lines as the kernel prints them (x86-64): 127.0.11.2:8080 listening, one request in, one closing, one outgoing. */
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 020B007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 020B007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
   2: 020B007F:1F90 0100007F:A2C6 08 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:A2C4 020B007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF0000020B007F:1F90 0000000000000000FFFF00000100007F:B000 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 20 4 30 10 -1
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0000000000000000 100 0 0 10 0
`;

describe('/proc/net/tcp{,6}', () => {
  test('addresses, ports and states; IPv4-mapped IPv6 as IPv4', () => {
    const v4 = parseProcNetTcp(TCP);
    assert.deepEqual(v4[0], { local: { ip: '127.0.11.2', port: 8080 }, remote: { ip: '0.0.0.0', port: 0 }, state: 10 });
    assert.deepEqual(v4[1]?.remote, { ip: '127.0.0.1', port: 0xa2c4 });
    const v6 = parseProcNetTcp(TCP6);
    assert.deepEqual(v6[0]?.local, { ip: '127.0.11.2', port: 8080 });
    assert.equal(v6[1]?.local.ip, '0:0:0:0:0:0:0:1');
    assert.equal(v6[1]?.local.port, 80);
  });

  test('in flight = ESTABLISHED with the endpoint as the local side (the client side and closing ones do not count)', () => {
    const all = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];
    assert.equal(establishedTo(all, [{ ip: '127.0.11.2', port: 8080 }]), 2);
    assert.equal(establishedTo(all, [{ ip: '127.0.11.3', port: 8080 }]), 0);
    assert.equal(establishedTo(all, []), 0);
  });

  test('listening: on the address or on every address', () => {
    const all = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];
    assert.equal(listensOn(all, [{ ip: '127.0.11.2', port: 8080 }]), true);
    assert.equal(listensOn(all, [{ ip: '127.0.11.2', port: 80 }]), false);
    const wildcard = parseProcNetTcp(`h\n   0: 00000000:0050 00000000:0000 0A 0 0 0 0 0 1\n`);
    assert.equal(listensOn(wildcard, [{ ip: '127.0.11.9', port: 80 }]), true);
  });

  test('served only by a listener on every address (v4 or v6): named; on its own address, or not at all: not', () => {
    const all = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];
    assert.equal(wildcardOnly(all, [{ ip: '127.0.11.2', port: 8080 }]), undefined);
    const v4 = parseProcNetTcp(`h\n   0: 00000000:0050 00000000:0000 0A 0 0 0 0 0 1\n`);
    assert.equal(wildcardOnly(v4, [{ ip: '127.0.11.9', port: 80 }]), '0.0.0.0:80');
    assert.equal(wildcardOnly(v4, [{ ip: '127.0.11.9', port: 81 }]), undefined);
    const v6 = parseProcNetTcp(`h\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1\n`);
    assert.equal(wildcardOnly(v6, [{ ip: '127.0.11.2', port: 80 }, { ip: '127.0.11.2', port: 8080 }]), '0:0:0:0:0:0:0:0:8080');
    const both = [...v4, ...parseProcNetTcp(`h\n   0: 090B007F:0050 00000000:0000 0A 0 0 0 0 0 1\n`)];
    assert.equal(wildcardOnly(both, [{ ip: '127.0.11.9', port: 80 }]), undefined, 'its own listener counts first');
  });

  test('garbage lines are skipped', () => {
    assert.deepEqual(parseProcNetTcp('header\nnot a line\n  9: zz:1 00:00 01\n'), []);
  });
});
