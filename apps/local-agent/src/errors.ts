import type { AgentErrorBody } from '@gantry/providers/local/protocol';

type Code = AgentErrorBody['error']['code'];

const STATUS: Record<Code, number> = { BadRequest: 400, NotFound: 404, Conflict: 409, Throttled: 429, Internal: 500, Unavailable: 503 };

/** An admin API answer other than success, with the HTTP status its code stands for. */
export class AgentError extends Error {
  readonly status: number;

  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
    this.status = STATUS[code];
  }

  toBody(): AgentErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
