/** The Query protocol pieces on their own: parameter trees, XML writing, page tokens, EC2 filters. */
import { describe, expect, it } from 'vitest';
import { applyFilters } from '../ec2/filters';
import { AwsError } from './errors';
import { paginate } from './pagination';
import { EC2_PARAMETER_ERRORS, QUERY_PARAMETER_ERRORS, QueryParams } from './query';
import { identify } from './services';
import { items, members, xmlDocument } from './xml';

function thrown(call: () => unknown): AwsError {
  try {
    call();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError');
}

describe('QueryParams', () => {
  it('reads member lists in numeric order, nested structures and empty lists', () => {
    const params = QueryParams.parse(
      'Action=X&Names.member.10=j&Names.member.2=b&Names.member.1=a&Tags.member.1.Key=k&Tags.member.1.Value=v&LaunchTemplate.Version=%24Latest&TargetGroupARNs=',
      QUERY_PARAMETER_ERRORS,
    );
    expect(params.strings('Names')).toEqual(['a', 'b', 'j']);
    expect(params.list('Tags').map((tag) => [tag.string('Key'), tag.string('Value')])).toEqual([['k', 'v']]);
    expect(params.child('LaunchTemplate')?.string('Version')).toBe('$Latest');
    expect(params.has('TargetGroupARNs')).toBe(true);
    expect(params.strings('TargetGroupARNs')).toEqual([]);
  });

  it('reads EC2 flattened lists', () => {
    const params = QueryParams.parse('ImageId.1=ami-1&ImageId.2=ami-2&Filter.1.Name=tag%3Aapp&Filter.1.Value.1=web', EC2_PARAMETER_ERRORS);
    expect(params.strings('ImageId')).toEqual(['ami-1', 'ami-2']);
    expect(params.list('Filter')[0]?.strings('Value')).toEqual(['web']);
  });

  it('names the parameter in the service’s own error code', () => {
    const query = QueryParams.parse('Tags.member.1.Value=v&MinSize=two', QUERY_PARAMETER_ERRORS);
    expect(thrown(() => query.list('Tags')[0]?.requiredString('Key'))).toMatchObject({ code: 'ValidationError', message: expect.stringContaining("'key'") });
    expect(thrown(() => query.integer('MinSize'))).toMatchObject({ code: 'ValidationError', message: expect.stringContaining("'two'") });
    const ec2 = QueryParams.parse('MaxResults=2', EC2_PARAMETER_ERRORS);
    expect(thrown(() => ec2.requiredInteger('MinCount'))).toMatchObject({ code: 'MissingParameter', message: 'The request must contain the parameter MinCount' });
    expect(thrown(() => ec2.integerBetween('MaxResults', 5, 1000))).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('between 5 and 1000') });
  });
});

describe('xmlDocument', () => {
  it('escapes text, writes lists with their item element and omits undefined fields', () => {
    const xml = xmlDocument('XResponse', 'http://ns/', {
      Name: 'a<b & "c"',
      Skipped: undefined,
      When: new Date('2026-01-02T03:04:05.000Z'),
      Query: members(['x', { Key: 'k' }]),
      Empty: items([]),
      Flag: false,
    });
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?><XResponse xmlns="http://ns/"><Name>a&lt;b &amp; &quot;c&quot;</Name><When>2026-01-02T03:04:05.000Z</When>'
      + '<Query><member>x</member><member><Key>k</Key></member></Query><Empty/><Flag>false</Flag></XResponse>');
  });
});

describe('paginate', () => {
  it('pages with opaque tokens and refuses tokens it did not issue', () => {
    const first = paginate([1, 2, 3, 4, 5], 2, undefined, () => new AwsError('InvalidNextToken', 'bad'));
    expect(first.items).toEqual([1, 2]);
    const second = paginate([1, 2, 3, 4, 5], 2, first.nextToken, () => new AwsError('InvalidNextToken', 'bad'));
    const third = paginate([1, 2, 3, 4, 5], 2, second.nextToken, () => new AwsError('InvalidNextToken', 'bad'));
    expect([second.items, third.items, third.nextToken]).toEqual([[3, 4], [5], undefined]);
    expect(thrown(() => paginate([1], 1, 'not-a-token', () => new AwsError('InvalidNextToken', 'bad'))).code).toBe('InvalidNextToken');
  });
});

describe('applyFilters', () => {
  const resources = [
    { name: 'checkout-1.2.3', state: 'available', tags: new Map([['app', 'checkout']]) },
    { name: 'checkout-1.3.0', state: 'pending', tags: new Map([['app', 'checkout']]) },
    { name: 'search-1.0.0', state: 'available', tags: new Map([['app', 'search']]) },
  ];
  const fields = { name: (r: (typeof resources)[number]) => r.name, state: (r: (typeof resources)[number]) => r.state };

  it('ANDs filters, ORs values, supports * and ? and tag filters', () => {
    const names = (filters: { name: string; values: string[] }[]): string[] => applyFilters(resources, filters, fields, (r) => r.tags).map((r) => r.name);
    expect(names([{ name: 'name', values: ['checkout-1.?.*'] }, { name: 'state', values: ['available'] }])).toEqual(['checkout-1.2.3']);
    expect(names([{ name: 'tag:app', values: ['search', 'checkout'] }])).toHaveLength(3);
    expect(names([{ name: 'tag-value', values: ['sea*'] }])).toEqual(['search-1.0.0']);
    expect(thrown(() => names([{ name: 'colour', values: ['red'] }]))).toMatchObject({ code: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
  });
});

describe('identify', () => {
  it('takes the service and region from the credential scope, else the service from Version', () => {
    const scope = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-3/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=0';
    expect(identify(scope, undefined, 'us-east-1')).toMatchObject({ region: 'eu-west-3', service: { name: 'elasticloadbalancing' } });
    expect(identify(undefined, '2016-11-15', 'us-east-1')).toMatchObject({ region: 'us-east-1', service: { name: 'ec2' } });
    expect(identify(undefined, '1999-01-01', 'us-east-1').service).toBeUndefined();
  });
});
