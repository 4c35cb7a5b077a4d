import { describe, expect, it } from 'vitest';
import { listQuerySchema, parseListQueryLenient } from './tokens';

describe('parseListQueryLenient', () => {
  it('uses the API defaults for an empty query', () => {
    expect(parseListQueryLenient({})).toEqual(listQuerySchema.parse({}));
    expect(parseListQueryLenient({})).toMatchObject({ page: 1, pageSize: 50 });
  });

  it('keeps valid parameters as the API parses them', () => {
    const params = { status: 'quarantined', type: 'ssoSuper', q: 'abc', tag: 'eu', page: '3', pageSize: '500' };
    expect(parseListQueryLenient(params)).toEqual(listQuerySchema.parse(params));
  });

  it('falls back per parameter where the API would answer 400', () => {
    expect(parseListQueryLenient({ status: 'bogus', type: ['sso', 'sso'], page: '0', pageSize: '501', tag: 'eu' })).toEqual({
      status: undefined,
      type: undefined,
      q: undefined,
      tag: 'eu',
      page: 1,
      pageSize: 50,
    });
  });
});
