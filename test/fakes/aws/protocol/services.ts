/**
 * Which service a request is for and how that service writes its answers. All three share one
 * endpoint, so the service comes from the SigV4 credential scope
 * (`Credential=AKID/20260101/us-east-1/autoscaling/aws4_request`), or else from `Version`.
 */
import { AwsError } from './errors';
import { EC2_PARAMETER_ERRORS, QUERY_PARAMETER_ERRORS, type ParameterErrors } from './query';
import { xmlDocument, type XmlStruct } from './xml';

export type ServiceName = 'autoscaling' | 'ec2' | 'elasticloadbalancing';

export interface ServiceProtocol {
  name: ServiceName;
  version: string;
  namespace: string;
  parameterErrors: ParameterErrors;
  /** The code and HTTP status answered when the fake throttles, and the code for a simulated outage. */
  throttleCode: string;
  throttleStatus: number;
  internalErrorCode: string;
  success(action: string, requestId: string, result: XmlStruct | undefined): string;
  error(error: AwsError, requestId: string): string;
}

function queryService(name: ServiceName, version: string): ServiceProtocol {
  const namespace = `http://${name}.amazonaws.com/doc/${version}/`;
  return {
    name,
    version,
    namespace,
    parameterErrors: QUERY_PARAMETER_ERRORS,
    throttleCode: 'Throttling',
    throttleStatus: 400,
    internalErrorCode: 'InternalFailure',
    // Actions without output (SetDesiredCapacity…) answer only the metadata, as AWS does.
    success: (action, requestId, result) =>
      xmlDocument(`${action}Response`, namespace, {
        ...(result ? { [`${action}Result`]: result } : {}),
        ResponseMetadata: { RequestId: requestId },
      }),
    error: (error, requestId) =>
      xmlDocument('ErrorResponse', namespace, {
        Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message },
        RequestId: requestId,
      }),
  };
}

const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const EC2: ServiceProtocol = {
  name: 'ec2',
  version: '2016-11-15',
  namespace: EC2_NAMESPACE,
  parameterErrors: EC2_PARAMETER_ERRORS,
  throttleCode: 'RequestLimitExceeded',
  // EC2 answers RequestLimitExceeded with a 503 (botocore's retry rules match on exactly that).
  throttleStatus: 503,
  internalErrorCode: 'InternalError',
  success: (action, requestId, result) => xmlDocument(`${action}Response`, EC2_NAMESPACE, { requestId, ...(result ?? { return: true }) }),
  error: (error, requestId) =>
    xmlDocument('Response', undefined, {
      Errors: { Error: { Code: error.code, Message: error.message } },
      RequestID: requestId,
    }),
};

export const SERVICES: Record<ServiceName, ServiceProtocol> = {
  autoscaling: queryService('autoscaling', '2011-01-01'),
  elasticloadbalancing: queryService('elasticloadbalancing', '2015-12-01'),
  ec2: EC2,
};

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

export interface RequestTarget {
  /** Undefined when neither the credential scope nor Version names a served service. */
  service: ServiceProtocol | undefined;
  region: string;
}

/** The service and region of a request. */
export function identify(authorization: string | undefined, version: string | undefined, defaultRegion: string): RequestTarget {
  const scope = authorization ? CREDENTIAL_SCOPE.exec(authorization) : null;
  const region = scope?.[1] ?? defaultRegion;
  const byScope = scope?.[2] as ServiceName | undefined;
  if (byScope && byScope in SERVICES) return { service: SERVICES[byScope], region };
  const byVersion = Object.values(SERVICES).find((service) => service.version === version);
  return { service: byVersion, region };
}

/** The Query error for a request no served service claims. */
export function unknownServiceError(requestId: string): string {
  return xmlDocument('ErrorResponse', undefined, {
    Error: { Type: 'Sender', Code: 'UnknownService', Message: 'The fake AWS serves autoscaling, ec2 and elasticloadbalancing: sign requests for one of them or send its Version.' },
    RequestId: requestId,
  });
}

export function unknownAction(service: ServiceProtocol, action: string | undefined): AwsError {
  if (action === undefined) return new AwsError('MissingAction', 'The request must contain the parameter Action');
  return new AwsError('InvalidAction', `The action ${action} is not valid for this web service (the fake ${service.name} does not implement it).`);
}
