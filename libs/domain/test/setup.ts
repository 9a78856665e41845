import { databaseSuite } from '../src/testing/index.ts';

/** The suite's database, shared by every test file (each test makes its own users). */
export const suite = databaseSuite('domain');
export const mochaHooks = suite.mochaHooks;
