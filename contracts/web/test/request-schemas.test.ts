import { expect } from 'chai';
import type * as z from 'zod';
import {
  ChangePasswordRequest,
  CsrfHeaders,
  MicropostIdParams,
  MicropostTextRequest,
  PageQuery,
  SearchQuery,
  SignInRequest,
  SignUpRequest,
  UpdateMeRequest,
  UsernameParams,
} from '../src/index.ts';

const accepts = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;
const chars = (n: number, c = 'a'): string => c.repeat(n);

describe('request bodies', () => {
  describe('SignUpRequest', () => {
    it('when username and password are given, with or without displayName, then it passes', () => {
      expect(accepts(SignUpRequest, { username: 'ada_l', password: 'correct horse' })).to.equal(true);
      expect(accepts(SignUpRequest, { username: 'ada_l', password: 'correct horse', displayName: '' })).to.equal(true);
    });

    it('when a field breaks only a domain rule, then the schema lets the domain answer it', () => {
      // Too short, bad characters, too long by the domain's rules: the domain gives per-field messages.
      expect(accepts(SignUpRequest, { username: 'a!', password: 'x', displayName: chars(51) })).to.equal(true);
    });

    it('when username is 64 characters, then it passes; at 65, then it fails', () => {
      expect(accepts(SignUpRequest, { username: chars(64), password: 'p' })).to.equal(true);
      expect(accepts(SignUpRequest, { username: chars(65), password: 'p' })).to.equal(false);
    });

    it('when password is 1024 characters, then it passes; at 1025, then it fails', () => {
      expect(accepts(SignUpRequest, { username: 'u', password: chars(1024) })).to.equal(true);
      expect(accepts(SignUpRequest, { username: 'u', password: chars(1025) })).to.equal(false);
    });

    it('when displayName is 500 characters, then it passes; at 501, then it fails', () => {
      expect(accepts(SignUpRequest, { username: 'u', password: 'p', displayName: chars(500) })).to.equal(true);
      expect(accepts(SignUpRequest, { username: 'u', password: 'p', displayName: chars(501) })).to.equal(false);
    });

    it('when a field is missing, null, a number or an unknown key is sent, then it fails', () => {
      expect(accepts(SignUpRequest, { username: 'ada_l' })).to.equal(false);
      expect(accepts(SignUpRequest, { username: 'ada_l', password: 'p', displayName: null })).to.equal(false);
      expect(accepts(SignUpRequest, { username: 12345, password: 'p' })).to.equal(false);
      expect(accepts(SignUpRequest, { username: 'ada_l', password: 'p', isAdmin: true })).to.equal(false);
    });

    it('when the value is not an object, then it fails', () => {
      for (const value of [null, [], 'x', 1]) expect(accepts(SignUpRequest, value)).to.equal(false);
    });

    it('when strings have surrounding spaces, then they are kept as written (no trimming)', () => {
      const parsed = SignUpRequest.parse({ username: ' ada ', password: ' p ' });
      expect(parsed).to.deep.equal({ username: ' ada ', password: ' p ' });
    });
  });

  describe('SignInRequest', () => {
    it('when username and password are strings within bounds, then it passes', () => {
      expect(accepts(SignInRequest, { username: 'ADA_L', password: 'p' })).to.equal(true);
      expect(accepts(SignInRequest, { username: chars(64), password: chars(1024) })).to.equal(true);
    });

    it('when a bound is passed, a field is missing or an unknown key is sent, then it fails', () => {
      expect(accepts(SignInRequest, { username: chars(65), password: 'p' })).to.equal(false);
      expect(accepts(SignInRequest, { username: 'u', password: chars(1025) })).to.equal(false);
      expect(accepts(SignInRequest, { username: 'u' })).to.equal(false);
      expect(accepts(SignInRequest, { username: 'u', password: 'p', remember: true })).to.equal(false);
    });
  });

  describe('UpdateMeRequest', () => {
    it('when empty, partial or full, then it passes', () => {
      expect(accepts(UpdateMeRequest, {})).to.equal(true);
      expect(accepts(UpdateMeRequest, { bio: '' })).to.equal(true);
      expect(accepts(UpdateMeRequest, { displayName: chars(500), bio: chars(2000) })).to.equal(true);
    });

    it('when a bound is passed, a value is null or an unknown key is sent, then it fails', () => {
      expect(accepts(UpdateMeRequest, { displayName: chars(501) })).to.equal(false);
      expect(accepts(UpdateMeRequest, { bio: chars(2001) })).to.equal(false);
      expect(accepts(UpdateMeRequest, { bio: null })).to.equal(false);
      expect(accepts(UpdateMeRequest, { username: 'other' })).to.equal(false);
    });
  });

  describe('ChangePasswordRequest', () => {
    it('when both passwords are within bounds, then it passes', () => {
      expect(accepts(ChangePasswordRequest, { currentPassword: chars(1024), newPassword: chars(1024) })).to.equal(true);
    });

    it('when a password is over 1024 characters or missing, then it fails', () => {
      expect(accepts(ChangePasswordRequest, { currentPassword: 'a', newPassword: chars(1025) })).to.equal(false);
      expect(accepts(ChangePasswordRequest, { currentPassword: chars(1025), newPassword: 'a' })).to.equal(false);
      expect(accepts(ChangePasswordRequest, { newPassword: 'a' })).to.equal(false);
    });
  });

  describe('MicropostTextRequest', () => {
    it('when the text is 2000 characters, then it passes; at 2001, then it fails', () => {
      expect(accepts(MicropostTextRequest, { text: chars(2000) })).to.equal(true);
      expect(accepts(MicropostTextRequest, { text: chars(2001) })).to.equal(false);
    });

    it('when the text is 256 code points, then the schema passes it on for the domain to answer 422', () => {
      expect(accepts(MicropostTextRequest, { text: chars(256) })).to.equal(true);
      expect(accepts(MicropostTextRequest, { text: '' })).to.equal(true);
    });

    it('when text is not a string or an unknown key is sent, then it fails', () => {
      expect(accepts(MicropostTextRequest, { text: 42 })).to.equal(false);
      expect(accepts(MicropostTextRequest, { text: ['hi'] })).to.equal(false);
      expect(accepts(MicropostTextRequest, { text: 'hi', authorId: '1' })).to.equal(false);
    });
  });
});

describe('query parameters', () => {
  describe('PageQuery', () => {
    it('when absent, then page is 1 and per_page is 20', () => {
      expect(PageQuery.parse({})).to.deep.equal({ page: 1, per_page: 20 });
    });

    it('when at the bounds, then they parse to numbers', () => {
      expect(PageQuery.parse({ page: '1', per_page: '1' })).to.deep.equal({ page: 1, per_page: 1 });
      expect(PageQuery.parse({ page: '10000', per_page: '100' })).to.deep.equal({ page: 10000, per_page: 100 });
    });

    it('when past the bounds, then it fails', () => {
      for (const page of ['0', '10001', '99999', '100000']) expect(accepts(PageQuery, { page })).to.equal(false);
      for (const per_page of ['0', '101', '1000']) expect(accepts(PageQuery, { per_page })).to.equal(false);
    });

    it('when not a plain decimal, then it fails', () => {
      for (const page of ['', ' 1', '1.0', '1e3', '0x10', '-1', '01', 'abc']) {
        expect(accepts(PageQuery, { page }), page).to.equal(false);
      }
    });

    it('when repeated (an array), then it fails rather than being coerced', () => {
      expect(accepts(PageQuery, { page: ['5'] })).to.equal(false);
      expect(accepts(PageQuery, { per_page: ['5', '6'] })).to.equal(false);
    });

    it('when an unknown query key is sent, then it is ignored', () => {
      expect(PageQuery.parse({ page: '2', _: '123' })).to.deep.equal({ page: 2, per_page: 20 });
    });
  });

  describe('SearchQuery', () => {
    it('when q is 3 or 100 characters, then it passes', () => {
      expect(SearchQuery.parse({ q: 'abc' })).to.deep.equal({ q: 'abc', page: 1, per_page: 20 });
      expect(accepts(SearchQuery, { q: chars(100) })).to.equal(true);
    });

    it('when q is 2 or 101 characters, missing or repeated, then it fails', () => {
      expect(accepts(SearchQuery, { q: 'ab' })).to.equal(false);
      expect(accepts(SearchQuery, { q: chars(101) })).to.equal(false);
      expect(accepts(SearchQuery, {})).to.equal(false);
      expect(accepts(SearchQuery, { q: ['abc', 'def'] })).to.equal(false);
    });

    it('when q has astral characters, then it counts code points, not UTF-16 units', () => {
      expect(accepts(SearchQuery, { q: '😀😀😀' })).to.equal(true); // 3 code points, 6 units
      expect(accepts(SearchQuery, { q: chars(100, '😀') })).to.equal(true);
      expect(accepts(SearchQuery, { q: chars(101, '😀') })).to.equal(false);
      expect(accepts(SearchQuery, { q: '😀😀' })).to.equal(false);
    });

    it('when the page parameters are bad, then it fails', () => {
      expect(accepts(SearchQuery, { q: 'abc', per_page: '101' })).to.equal(false);
    });
  });
});

describe('path parameters', () => {
  it('when a username is 1 to 64 characters, then it passes, whatever its characters', () => {
    expect(accepts(UsernameParams, { username: 'a' })).to.equal(true);
    expect(accepts(UsernameParams, { username: chars(64, 'é') })).to.equal(true);
  });

  it('when a username is empty or 65 characters, then it fails', () => {
    expect(accepts(UsernameParams, { username: '' })).to.equal(false);
    expect(accepts(UsernameParams, { username: chars(65) })).to.equal(false);
  });

  it('when a micropost id is a decimal of 1 to 19 digits, then it passes', () => {
    expect(accepts(MicropostIdParams, { id: '1' })).to.equal(true);
    expect(accepts(MicropostIdParams, { id: '9223372036854775807' })).to.equal(true);
  });

  it('when a micropost id is 0, has a leading zero, is past 2^63-1 or is not decimal, then it fails', () => {
    for (const id of [
      '0',
      '01',
      '9223372036854775808',
      '9999999999999999999',
      '12345678901234567890',
      '-1',
      '1.5',
      '1e3',
      ' 1',
      'abc',
      '',
    ]) {
      expect(accepts(MicropostIdParams, { id }), id).to.equal(false);
    }
    expect(accepts(MicropostIdParams, { id: 1 })).to.equal(false);
  });
});

describe('headers', () => {
  it('when x-csrf is 1, then it passes, other headers notwithstanding', () => {
    expect(accepts(CsrfHeaders, { 'x-csrf': '1', 'content-type': 'application/json' })).to.equal(true);
  });

  it('when x-csrf is missing or anything but 1, then it fails', () => {
    for (const value of [undefined, '', '0', 'true', ' 1', ['1', '1']]) {
      expect(accepts(CsrfHeaders, { 'x-csrf': value })).to.equal(false);
    }
  });
});
