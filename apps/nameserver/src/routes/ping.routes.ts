import { BOTH_FACES, type Route } from '../http/router';
import { sendEmpty } from '../http/reply';

/** `GET /ping`: liveness, empty 200 on both listeners (tentacles call it before resolving the brain). */
export function pingRoutes(): Route[] {
  return [{ method: 'GET', path: '/ping', faces: BOTH_FACES, handle: ({ res }) => sendEmpty(res, 200) }];
}
