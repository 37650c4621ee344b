import { NameServerError } from '../errors';
import { parseEntries } from '../entries/name-entry';
import { readFormFields, readJsonBody } from '../http/body';
import { sendJson, sendMessage } from '../http/reply';
import { BOTH_FACES, HTTPS_ONLY, type Route } from '../http/router';
import { isListMethod, LIST_METHODS } from '../store/list-pattern';
import type { NameStore } from '../store/name-store';

/** The name service proper: writes and listing over HTTPS only, lookups on both listeners. */
export function nameRoutes(store: NameStore): Route[] {
  return [
    {
      method: 'POST',
      path: '/register',
      faces: HTTPS_ONLY,
      async handle({ req, res }) {
        const parsed = parseEntries(await readJsonBody(req));
        if (!parsed.ok) throw new NameServerError('invalid_entry', parsed.message);
        await store.register(parsed.entries);
        sendMessage(res, 200, 'OK');
      },
    },
    {
      method: 'GET',
      path: '/query',
      faces: BOTH_FACES,
      async handle({ res, query }) {
        const name = query.get('name');
        if (name === null) throw new NameServerError('no_name', 'no name');
        const entry = await store.query(name);
        sendJson(res, 200, { msg: 'OK', entry });
      },
    },
    {
      method: 'POST',
      path: '/delete',
      faces: HTTPS_ONLY,
      async handle({ req, res }) {
        const name = (await readFormFields(req)).get('name');
        if (name === undefined) throw new NameServerError('no_name', 'no name');
        await store.delete(name);
        sendMessage(res, 200, 'OK');
      },
    },
    {
      method: 'GET',
      path: '/list',
      faces: HTTPS_ONLY,
      async handle({ res, query }) {
        const method = query.get('method') ?? '';
        if (!isListMethod(method)) {
          throw new NameServerError('bad_request', `method must be one of ${LIST_METHODS.join(', ')}`);
        }
        const list = await store.list(method, query.get('match') ?? '');
        sendJson(res, 200, { msg: 'OK', list });
      },
    },
  ];
}
