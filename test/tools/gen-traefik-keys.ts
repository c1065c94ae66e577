import { writeFileSync } from 'node:fs';
import { ROOT } from '../helpers/paths.js';
import { keyTreeFromReference, renderGenerated } from './traefik-key-tree.js';

writeFileSync(`${ROOT}src/renet/route-server/traefik-keys.generated.ts`, renderGenerated(keyTreeFromReference()));
