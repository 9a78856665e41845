// One fresh, migrated database for the whole bff-web run; the app runs in-process and talks only to loopback.
import { databaseSuite } from '@microblog/domain/testing';
import nock from 'nock';

export const suite = databaseSuite('bff_web');
export const mochaHooks = suite.mochaHooks;

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
