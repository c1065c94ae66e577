import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { FIXTURES } from './paths.js';

const Ajv = AjvModule.default ?? AjvModule;
const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}schemas/traefik/${name}`, 'utf8')) as object;

const ajv = new Ajv({ strict: false, allErrors: true });
const staticSchema = ajv.compile(load('traefik-v3.json'));
const dynamicSchema = ajv.compile(load('traefik-v3-file-provider.json'));

/** Errors from Traefik's own JSON schema (SchemaStore), as readable lines; empty when valid. */
export function schemaErrors(kind: 'static' | 'dynamic', config: unknown): string[] {
  const validate = kind === 'static' ? staticSchema : dynamicSchema;
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
