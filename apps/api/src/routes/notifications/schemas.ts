import { applicationNotificationsSchema } from '@gantry/core';
import { z } from 'zod';
import { actorHeaders, errorResponses, uuid } from '../commonSchemas';
import { applicationParams } from '../applications/schemas';

const notifications = applicationNotificationsSchema
  .describe("front50's shape: one list per type (slack, email, webhook, microsoftteams, googlechat) of {address, when, message}, applied to every pipeline of the application")
  .meta({ id: 'ApplicationNotifications' });

export const getApplicationNotificationsSchema = {
  tags: ['notifications'],
  summary: "An application's default notifications (front50's /notifications/application/{app})",
  params: applicationParams,
  response: { 200: notifications, ...errorResponses(400) },
};

export const putApplicationNotificationsSchema = {
  tags: ['notifications'],
  summary: "Replace an application's default notifications; needs WRITE on the application",
  params: applicationParams,
  headers: actorHeaders,
  body: notifications,
  response: { 200: notifications, ...errorResponses(400, 413, 415) },
};

export const slackInteractionSchema = {
  tags: ['notifications'],
  summary: "Slack's interactivity callback: a Continue/Stop button of a manual-judgment message, signed with the Slack app's signing secret",
  body: z.unknown().describe('application/x-www-form-urlencoded `payload` (a block_actions JSON), verified with X-Slack-Signature and X-Slack-Request-Timestamp'),
  response: { 200: z.object({ judged: z.enum(['continue', 'stop']) }), ...errorResponses(400, 401, 403, 404, 409) },
};

const deliverySchema = z
  .object({
    event: z.string(),
    type: z.string(),
    address: z.string().describe('A URL address is shown by its origin only: its path holds its credential'),
    status: z.enum(['PENDING', 'SENT', 'FAILED']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    stageId: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationDelivery' });

export const executionNotificationsSchema = {
  tags: ['notifications'],
  summary: "An execution's notifications: what was sent, what is being retried, what failed",
  params: z.object({ id: uuid }),
  response: { 200: z.object({ notifications: z.array(deliverySchema) }), ...errorResponses(400, 404) },
};
