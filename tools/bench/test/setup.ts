import { databaseSuite } from '@microblog/domain/testing';

/** The suite's database (the scale seed's tests load into it; the quick benchmark makes and drops its own). */
export const suite = databaseSuite('bench');
export const mochaHooks = suite.mochaHooks;
