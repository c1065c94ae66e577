import type { RouteSettings } from '../../../src/renet/route-server/model.js';

/** The route settings of a machine with a base domain, HTTPS and the default ports (unit tests). */
export const BASE_SETTINGS: RouteSettings = {
  baseDomain: 'example.com',
  routeEntryPoints: ['websecure', 'websecure-v6'],
  httpEntryPoints: ['web', 'websecure', 'websecure-v6'],
  certResolver: 'letsencrypt',
  tcpEntryPorts: [25, 993, 3306, 5432, 5672, 6379, 9092, 10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 11211, 27017],
  udpEntryPorts: [53],
  dynamicTcpRange: { first: 10000, last: 10010 },
  fileMiddlewares: ['compress', 'security-headers'],
};
