import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * Wraps a secret (Cloudflare token, volume credential) so that it cannot leak by accident:
 * string conversion, JSON and util.inspect all print `[REDACTED]`. Only `reveal()` gives the value,
 * and only code that must hand it on (the config store, the stdin of a remote command) calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** The masked form shown by `show` commands: never the value, only whether one is set. */
export function maskSecret(secret: Secret | undefined): string {
  return secret ? '***' : '-';
}
