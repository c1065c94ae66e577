export { bootHost, type RealHost } from './host.js';
export { ALICE_PASSWORD, RECIPE, type Variant } from './recipe.js';
export { HOST_USERS, type HostUser } from './disk.js';
export { TRAEFIK_TAG, HOST_BUSYBOX_TAG } from './images.js';
export { startRealSession, type RealSession } from './session.js';
