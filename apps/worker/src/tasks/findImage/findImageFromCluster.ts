import { accountOf, findImageFieldsSchema, selectImageSource } from '@gantry/core';
import { defaultLocationOf, type ServerGroup } from '@gantry/providers';
import { clusterRefOf, providerFor } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { readFields } from '../readFields';
import { TaskFailure } from '../Task';

/**
 * `findImage` / `findAmi`: in each region, the image of the server group of `cluster` chosen by
 * `selectionStrategy`, read from the provider (nothing is changed, so a re-run just reads again).
 * Outputs Orca's `amiDetails` and `deploymentDetails` (one entry per region), which a later deploy
 * without an image takes as it takes a bake's. A region without a group to choose fails the stage
 * naming it, as Orca's does.
 */
export const findImageFromClusterTask = serverGroupTask({
  name: 'findImageFromCluster',
  async run(ctx) {
    const fields = readFields(findImageFieldsSchema, ctx);
    const accountName = accountOf(fields);
    const { account, provider } = providerFor(ctx, accountName);
    const regions = fields.regions ?? [defaultLocationOf(account)];
    const details = [];
    for (const region of regions) {
      const groups = await provider.listServerGroups(clusterRefOf({ account: accountName, cluster: fields.cluster, ...(region === undefined ? {} : { location: region }) }));
      const selection = selectImageSource(groups.map(asCandidate), fields.selectionStrategy, fields.onlyEnabled);
      const where = region === undefined ? '' : ` in ${region}`;
      if (!selection.ok) throw new TaskFailure(`no image for cluster ${fields.cluster}${where}: ${selection.reason} in account ${accountName}`);
      const group = selection.chosen.group;
      details.push({
        ami: group.image,
        imageId: group.image,
        ...(region === undefined ? {} : { region }),
        serverGroup: group.name,
        sourceServerGroup: group.name,
        cloudProviderType: account.provider,
      });
    }
    return { status: 'SUCCEEDED', outputs: { amiDetails: details, deploymentDetails: details } };
  },
});

function asCandidate(group: ServerGroup) {
  const { up, down, unknown } = group.health;
  return { name: group.name, image: group.image, enabled: group.enabled, createdAt: group.createdAt, instances: up + down + unknown, group };
}
