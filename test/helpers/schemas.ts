import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { FIXTURES } from './paths.js';

const Ajv = AjvModule.default ?? AjvModule;
const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}schemas/traefik/${name}`, 'utf8')) as object;

const ajv = new Ajv({ strict: false, allErrors: true });
const staticSchema = ajv.compile(load('traefik-v3.json'));
const dynamicSchema = ajv.compile(withTcpHealthCheck(load('traefik-v3-file-provider.json')));

/**
 * SchemaStore's file-provider schema predates Traefik 3.6's TCP health check
 * (`tcp.services.*.loadBalancer.healthCheck`: Traefik's TCPServerHealthCheck, a connect check with optional send/expect), which the
 * route server emits; Traefik 3.7 loads it and reports each server's status (probed on 3.7.15, and
 * test/e2e/route-server-health.test.ts). Added here, in memory, with Traefik's fields; the file stays as copied.
 */
function withTcpHealthCheck(schema: object): object {
  const lb = (schema as { definitions: Record<string, { properties: Record<string, unknown> }> }).definitions.tcpLoadBalancerService;
  if (lb) {
    const duration = { type: 'string' };
    lb.properties.healthCheck = { type: 'object', additionalProperties: false, properties: { port: { type: 'integer' }, send: { type: 'string' }, expect: { type: 'string' }, interval: duration, unhealthyInterval: duration, timeout: duration } };
  }
  return schema;
}

/** Errors from Traefik's own JSON schema (SchemaStore), as readable lines; empty when valid. */
export function schemaErrors(kind: 'static' | 'dynamic', config: unknown): string[] {
  const validate = kind === 'static' ? staticSchema : dynamicSchema;
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
