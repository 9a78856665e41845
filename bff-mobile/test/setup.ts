import { databaseSuite } from '@microblog/domain/testing';
export const suite = databaseSuite('bff_mobile');
export const mochaHooks = suite.mochaHooks;
