import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A source of `count` small files (distinct contents) in 100-file directories, plus a Rediaccfile. */
export function manySmallFiles(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Rediaccfile'), 'up() { :; }\n');
  for (let i = 0; i < count; i++) {
    const sub = join(dir, 'files', String(Math.floor(i / 100)).padStart(3, '0'));
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `${i}.txt`), `file ${i}\n`);
  }
}
