/**
 * `zones/Z/disks`: the boot disks created with instances (there is no insert): get, list, and
 * delete, refused while an instance uses the disk. `users` names the instance while it is attached.
 */
import type { CollectionApi } from '../api';
import { resourceInUse } from '../errors';
import { relativeName, relativeOf } from '../links';
import { listPage, ok, operation, pathName, requireResource } from './common';

const COLLECTION = 'disks';

export const disks: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#diskList', context.store.list(COLLECTION, request.scope)),

  get: (context, request) => ok(requireResource(context, COLLECTION, request.scope, pathName(request))),

  delete: (context, request) => {
    const name = pathName(request);
    const disk = requireResource(context, COLLECTION, request.scope, name);
    const user = Array.isArray(disk.users) ? disk.users[0] : undefined;
    if (typeof user === 'string') throw resourceInUse('disk', relativeName(context.project, request.scope, COLLECTION, name), relativeOf(user));
    context.store.remove(COLLECTION, request.scope, name);
    return operation(context, request, { scope: request.scope, operationType: 'delete', targetLink: String(disk.selfLink), targetId: String(disk.id) });
  },
};
