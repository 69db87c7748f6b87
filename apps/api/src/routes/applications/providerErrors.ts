import { isProviderError } from '@gantry/providers';
import type { FastifyReply } from 'fastify';

/**
 * Provider failures in the API's error shape: NotFound → 404; Throttled/Transient (after the
 * registry's retries) → 503, worth retrying; Fatal/Conflict → 502 with the provider's message.
 */
export async function withProviderErrors<T>(reply: FastifyReply, read: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await read();
  } catch (error) {
    if (!isProviderError(error)) throw error;
    const [status, code] = error.kind === 'NotFound' ? [404, 'NOT_FOUND'] : error.retryable ? [503, 'PROVIDER_UNAVAILABLE'] : [502, 'PROVIDER_ERROR'];
    return reply.code(status).send({ error: { code, message: error.message, details: error.toJSON() } });
  }
}
