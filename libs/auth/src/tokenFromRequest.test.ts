import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenFromRequest } from './index';

test('a Bearer Authorization header gives the token', () => {
  assert.equal(tokenFromRequest({ authorization: 'Bearer abc.def.ghi' }), 'abc.def.ghi');
  assert.equal(tokenFromRequest({ authorization: 'bearer   abc.def.ghi  ' }), 'abc.def.ghi');
});

test('other schemes and empty bearers give nothing', () => {
  assert.equal(tokenFromRequest({ authorization: 'Basic dXNlcjpwYXNz' }), undefined);
  assert.equal(tokenFromRequest({ authorization: 'Bearer' }), undefined);
  assert.equal(tokenFromRequest({ authorization: 'Bearer a b' }), undefined);
  assert.equal(tokenFromRequest({}), undefined);
});

test('access_token in the query string is used when there is no bearer header', () => {
  assert.equal(tokenFromRequest({ query: 'access_token=abc.def.ghi' }), 'abc.def.ghi');
  assert.equal(tokenFromRequest({ query: '?v=1&access_token=abc.def.ghi' }), 'abc.def.ghi');
  assert.equal(tokenFromRequest({ authorization: 'Basic x', query: 'access_token=q' }), 'q');
  assert.equal(tokenFromRequest({ authorization: 'Bearer h', query: 'access_token=q' }), 'h');
});

test('a missing, empty or repeated access_token gives nothing', () => {
  assert.equal(tokenFromRequest({ query: 'v=1' }), undefined);
  assert.equal(tokenFromRequest({ query: 'access_token=' }), undefined);
  assert.equal(tokenFromRequest({ query: 'access_token=a&access_token=b' }), undefined);
});
