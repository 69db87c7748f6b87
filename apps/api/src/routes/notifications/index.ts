import { createHmac } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  describePermission,
  missingPermissions,
  readSlackJudgment,
  slackTimestampFresh,
  type Grant,
  type Permission,
} from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import {
  enqueueNotifications,
  saveApplicationNotifications,
  selectApplicationNotifications,
  selectExecution,
  selectExecutionNotifications,
  type ExecutionCommands,
  type ExecutionRepository,
} from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { sender } from '../../auth/access';
import { tokenMatches } from '../../auth/credentials';
import { onApplicationInPath, onExecution } from '../../auth/resources';
import { actingAs } from '../../actor';
import { dispatch } from '../../dispatch';
import { captureRawBodies, rawBodyOf, rawBodyValidatorCompiler } from '../webhooks/rawBody';
import { executionNotificationsSchema, getApplicationNotificationsSchema, putApplicationNotificationsSchema, slackInteractionSchema } from './schemas';

export interface SlackJudgmentSettings {
  /** The Slack app's signing secret; unset, every callback is refused. */
  signingSecret?: string;
  /** Slack user id → the Gantry user and roles a judgment from them is made as. */
  users: Readonly<Record<string, { user: string; roles: readonly string[] }>>;
}

export interface NotificationRoutesOptions {
  pool: pg.Pool;
  commands: ExecutionCommands;
  executions: ExecutionRepository;
  bus: MessageBus;
  /** The role grants a Slack user's roles are checked against (the AuthStore); none with auth off. */
  grants?: () => Promise<Grant[]>;
  slack: SlackJudgmentSettings;
  now?: () => Date;
}

/**
 * Application default notifications (front50's), and Slack's interactivity callback: a manual
 * judgment answered by a button of the message Gantry sent (docs/architecture.md "Notifications").
 */
export const notificationRoutes: FastifyPluginAsyncZod<NotificationRoutesOptions> = async (app, options) => {
  const now = options.now ?? (() => new Date());
  app.get('/applications/:app/notifications', { schema: getApplicationNotificationsSchema, config: onApplicationInPath('READ') }, async (request) =>
    selectApplicationNotifications(options.pool, request.params.app),
  );
  app.put('/applications/:app/notifications', { schema: putApplicationNotificationsSchema, config: onApplicationInPath('WRITE') }, async (request) => {
    await saveApplicationNotifications(options.pool, request.params.app, request.body, actingAs(request).user);
    return request.body;
  });

  app.get('/executions/:id/notifications', { schema: executionNotificationsSchema, config: onExecution(options.executions, 'READ') }, async (request) => ({
    notifications: await selectExecutionNotifications(options.pool, request.params.id),
  }));

  // Slack posts form-encoded bytes whose signature is over those exact bytes.
  await app.register(async (slack) => {
    captureRawBodies(slack);
    slack.post('/notifications/slack/interactions', { schema: slackInteractionSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request) => {
      const raw = rawBodyOf(request.body);
      verifySlackRequest(raw, request.headers, options.slack.signingSecret, now());
      const payload = new URLSearchParams(raw.toString('utf8')).get('payload');
      let parsed: unknown;
      try {
        parsed = payload === null ? undefined : JSON.parse(payload);
      } catch {
        parsed = undefined;
      }
      const judgment = readSlackJudgment(parsed);
      if (judgment === undefined) throw new ConflictError('not a Gantry judgment button: nothing to do');
      const principal = options.slack.users[judgment.slackUserId];
      if (principal === undefined) {
        throw new ForbiddenError(`Slack user ${judgment.slackUserId} is not mapped to a Gantry user (notifications.slack.users)`, { missing: [`a Gantry user for Slack user ${judgment.slackUserId}`] });
      }
      const execution = await selectExecution(options.pool, judgment.executionId);
      if (execution === null) throw new NotFoundError(`execution ${judgment.executionId} not found`);
      const required: Permission[] = [{ kind: 'application', name: execution.application, action: 'EXECUTE' }];
      const missing = missingPermissions(options.grants === undefined ? [] : await options.grants(), principal.roles, required);
      if (options.grants !== undefined && missing.length > 0) {
        throw new ForbiddenError(`${principal.user} (Slack user ${judgment.slackUserId}) may not judge: missing ${missing.map(describePermission).join(', ')}`, { missing: missing.map(describePermission) });
      }
      const user = principal.user;
      await dispatch(
        options.bus,
        await options.commands.judge(judgment.executionId, judgment.stageId, {
          user,
          judgmentStatus: judgment.judgmentStatus,
          ...(judgment.judgmentInput === undefined ? {} : { judgmentInput: judgment.judgmentInput }),
        }),
      );
      if (judgment.responseUrl !== undefined) {
        // The message loses its buttons and says who judged; sent (and retried) by the workers.
        const verdict = `Judged *${judgment.judgmentStatus}*${judgment.judgmentInput === undefined ? '' : ` (${judgment.judgmentInput})`} by ${user} via Slack`;
        await enqueueNotifications(options.pool, [
          {
            key: `${judgment.executionId}:${judgment.stageId}:judged:slack:${judgment.responseUrl}`,
            target: { type: 'slack', address: judgment.responseUrl },
            event: judgment.judgmentStatus === 'continue' ? 'manualJudgmentContinue' : 'manualJudgmentStop',
            executionId: judgment.executionId,
            stageId: judgment.stageId,
            message: { subject: verdict, text: `${judgment.messageText ?? ''}\n${verdict}`.trim(), replacesOriginal: true },
          },
        ]);
      }
      return { judged: judgment.judgmentStatus };
    });
  });
};

/**
 * Slack's request signing: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` under the signing secret,
 * and a timestamp within five minutes, so a captured request cannot be replayed later.
 */
function verifySlackRequest(raw: Buffer, headers: Record<string, string | string[] | undefined>, secret: string | undefined, now: Date): void {
  const timestamp = single(headers['x-slack-request-timestamp']);
  const signature = single(headers['x-slack-signature']);
  if (secret === undefined) throw new UnauthorizedError('Slack callbacks are refused: no signing secret is configured (notifications.slack.signingSecretSecret)');
  if (!slackTimestampFresh(timestamp, Math.floor(now.getTime() / 1000))) {
    throw new UnauthorizedError('X-Slack-Request-Timestamp is missing or more than 5 minutes from now');
  }
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`;
  if (!tokenMatches(signature, expected)) throw new UnauthorizedError('X-Slack-Signature does not verify with the signing secret');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
