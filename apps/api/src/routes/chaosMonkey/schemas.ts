import { chaosMonkeyConfigSchema } from '@gantry/core';
import { z } from 'zod';
import { actorHeaders, errorResponses } from '../commonSchemas';
import { applicationParams } from '../applications/schemas';

const config = chaosMonkeyConfigSchema
  .describe(
    "Chaos Monkey 2's settings for the application: enabled, meanTimeBetweenKillsInWorkDays, minTimeBetweenKillsInWorkDays, grouping (app, stack, cluster), exceptions ({account, location, cluster}), killWindow ({start, end, timeZone, workDays}), notifications ({type, address})",
  )
  .meta({ id: 'ChaosMonkeyConfig' });

const member = z.object({ account: z.string(), location: z.string().optional(), cluster: z.string(), serverGroup: z.string() });

const decision = z
  .object({
    groupKey: z.string().describe('`<grouping>:<account>/<location>/<app, stack or cluster>`'),
    day: z.string().describe('YYYY-MM-DD in the kill window time zone'),
    status: z.enum(['SCHEDULED', 'KILLED', 'SKIPPED', 'FAILED']),
    reason: z.string().nullable(),
    members: z.array(member),
    killAt: z.string().nullable(),
    victim: member.extend({ instanceId: z.string() }).nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    decidedAt: z.string(),
    killedAt: z.string().nullable(),
  })
  .meta({ id: 'ChaosMonkeyDecision' });

const killSwitch = z
  .object({ engaged: z.boolean(), updatedBy: z.string().nullable(), updatedAt: z.string().nullable() })
  .meta({ id: 'ChaosMonkeyKillSwitch' });

export const getChaosMonkeySchema = {
  tags: ['chaos'],
  summary: "An application's Chaos Monkey configuration (null: never configured) and its decisions, newest first: the kills made and the days without one",
  params: applicationParams,
  querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
  response: { 200: z.object({ config: config.nullable(), killSwitch, decisions: z.array(decision) }), ...errorResponses(400) },
};

export const putChaosMonkeySchema = {
  tags: ['chaos'],
  summary: "Replace an application's Chaos Monkey configuration (opt in with enabled: true); needs WRITE on the application",
  params: applicationParams,
  headers: actorHeaders,
  body: config,
  response: { 200: config, ...errorResponses(400, 413, 415) },
};

export const getKillSwitchSchema = {
  tags: ['chaos'],
  summary: "Chaos Monkey's global kill switch: engaged, no kill happens anywhere",
  response: { 200: killSwitch },
};

export const putKillSwitchSchema = {
  tags: ['chaos'],
  summary: "Engage or release Chaos Monkey's global kill switch; admin only",
  headers: actorHeaders,
  body: z.strictObject({ engaged: z.boolean() }),
  response: { 200: killSwitch, ...errorResponses(400, 413, 415) },
};
