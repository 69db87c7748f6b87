import { z } from 'zod';

export const readinessCheckSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
});

const readinessSchema = z
  .object({ status: z.enum(['ok', 'unavailable']), checks: z.array(readinessCheckSchema) })
  .meta({ id: 'Readiness' });

export const healthzSchema = {
  tags: ['health'],
  summary: 'Liveness: the process answers HTTP',
  response: { 200: z.object({ status: z.literal('ok') }) },
};

export const readyzSchema = {
  tags: ['health'],
  summary: 'Readiness: every dependency (database, queue…) answers',
  response: { 200: readinessSchema, 503: readinessSchema },
};
