/** `global/operations` and `regions/R/operations`: get, list, delete and `wait`. */
import type { CollectionApi } from '../api';
import { listPage, ok, pathName } from './common';

export const operations: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#operationList', context.operations.list(request.scope)),

  get: (context, request) => ok(context.operations.get(request.scope, pathName(request))),

  // GCE answers an operation delete with 204 and no body; the client library reads that as `{}`.
  delete: (context, request) => {
    context.operations.remove(request.scope, pathName(request));
    return { status: 204, body: {} };
  },

  verbs: {
    wait: {
      method: 'POST',
      handle: async (context, request) =>
        ok(await context.operations.wait(request.scope, pathName(request), context.waitTimeoutMs, () => context.isClosed())),
    },
  },
};
