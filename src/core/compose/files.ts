/** The compose file names `renet compose` looks for in a directory, in this order (compose's own). */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
