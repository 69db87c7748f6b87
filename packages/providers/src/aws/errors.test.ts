import { describe, expect, it } from 'vitest';
import { kindForAwsFailure, readAwsFailure, toProviderError } from './errors';

/** What the SDK throws, as measured against a Query-protocol server (FACTS.md). */
function serviceError(code: string, message: string, status: number, modeledName?: string) {
  return Object.assign(new Error(message), { name: modeledName ?? code, Code: code, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

const context = { operation: 'createServerGroup', account: 'aws-prod', region: 'us-east-1', resource: { type: 'auto-scaling-group', name: 'checkout-prod-v001' } };

describe('AWS errors as ProviderErrors', () => {
  it.each([
    ['Throttling', 400, 'Throttled'],
    ['RequestLimitExceeded', 503, 'Throttled'],
    ['TooManyRequestsException', 429, 'Throttled'],
    ['SomethingNew', 429, 'Throttled'],
    ['InternalFailure', 500, 'Transient'],
    ['ServiceUnavailable', 503, 'Transient'],
    ['ScalingActivityInProgress', 400, 'Transient'],
    ['InvalidLaunchTemplateName.NotFoundException', 400, 'NotFound'],
    ['InvalidAMIID.NotFound', 400, 'NotFound'],
    ['TargetGroupNotFound', 400, 'NotFound'],
    ['AlreadyExists', 400, 'Conflict'],
    ['InvalidLaunchTemplateName.AlreadyExistsException', 400, 'Conflict'],
    ['InvalidAMIName.Duplicate', 400, 'Conflict'],
    ['ResourceInUse', 400, 'Conflict'],
    ['UnauthorizedOperation', 403, 'Fatal'],
    ['AccessDenied', 403, 'Fatal'],
    ['LimitExceeded', 400, 'Fatal'],
    ['InvalidParameterValue', 400, 'Fatal'],
  ])('%s (HTTP %i) is %s', (code, status, kind) => {
    expect(kindForAwsFailure(readAwsFailure(serviceError(code, 'x', status)))).toBe(kind);
  });

  it('reads the wire code of modeled errors, whose class name differs', () => {
    expect(readAwsFailure(serviceError('AlreadyExists', 'taken', 400, 'AlreadyExistsFault'))).toEqual({ code: 'AlreadyExists', message: 'taken', status: 400, network: false });
  });

  it('tells "not found" apart from other ValidationErrors', () => {
    expect(kindForAwsFailure(readAwsFailure(serviceError('ValidationError', 'AutoScalingGroup name not found - checkout-prod-v001', 400)))).toBe('NotFound');
    expect(kindForAwsFailure(readAwsFailure(serviceError('ValidationError', 'Max bound, 1, must be greater than or equal to min bound, 2', 400)))).toBe('Fatal');
  });

  it('makes network failures and timeouts Transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: {} });
    expect(toProviderError(refused, context)).toMatchObject({ kind: 'Transient', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' });
    const timeout = Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });
    expect(toProviderError(timeout, context).kind).toBe('Transient');
    // A name that does not resolve is a wrong endpoint, as for every provider: retrying cannot help.
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND autoscaling.nowhere.invalid'), { code: 'ENOTFOUND', $metadata: {} });
    expect(toProviderError(unknownHost, context).kind).toBe('Fatal');
  });

  it('words the message as aws/operation/resource: code: message (account, region, resource)', () => {
    const error = toProviderError(serviceError('AccessDenied', 'User: arn:aws:iam::1:user/ci is not authorized to perform: autoscaling:CreateAutoScalingGroup', 403), context);
    expect(error.message).toBe(
      'aws/createServerGroup/checkout-prod-v001: AccessDenied: User: arn:aws:iam::1:user/ci is not authorized to perform: autoscaling:CreateAutoScalingGroup (account aws-prod, region us-east-1, auto-scaling-group checkout-prod-v001)',
    );
    expect(error).toMatchObject({ kind: 'Fatal', status: 403, provider: 'aws', location: 'us-east-1' });
  });
});
