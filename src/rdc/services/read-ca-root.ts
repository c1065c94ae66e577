import { open } from 'node:fs/promises';
import { MAX_CA_ROOT_BYTES } from '../../core/config/acme-validators.js';
import { show, type Check } from '../../core/config/validators.js';

/**
 * Reads `--acme-ca-root FILE`: a regular file of at most MAX_CA_ROOT_BYTES (not a directory, a
 * device or a FIFO). The content is checked by checkCaRootPem afterwards, like the config file's.
 */
export async function readCaRootFile(path: string): Promise<Check<string>> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    return { ok: false, expected: `cannot read ${show(path)} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give the path of the CA's root certificate, a PEM file` };
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) return { ok: false, expected: `${show(path)} is not a regular file; give the path of the CA's root certificate, a PEM file` };
    const buf = Buffer.alloc(MAX_CA_ROOT_BYTES + 1);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    // One byte over the limit is enough for checkCaRootPem to say the file is too big.
    return { ok: true, value: buf.subarray(0, bytesRead).toString('utf8') };
  } catch (err) {
    return { ok: false, expected: `cannot read ${show(path)} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give the path of the CA's root certificate, a PEM file` };
  } finally {
    await file.close();
  }
}
