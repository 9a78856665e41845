import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { getMicropost, openDatabase, ormConfig, Unavailable } from '../src/index.ts';
import { TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { suite } from './setup.ts';

describe('schema and edges', () => {
  it('when the committed migrations are applied, then they match the entities exactly (no pending diff)', async () => {
    const orm = await MikroORM.init(ormConfig({ url: suite.url(), poolSize: 1 }));
    try {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).to.equal('');
    } finally {
      await orm.close(true);
    }
  });

  it('when the database cannot be reached, then use cases fail with Unavailable and the process stays up', async () => {
    const db = await openDatabase({
      url: 'postgres://postgres:postgres@127.0.0.1:1/none',
      tokenSecret: TEST_TOKEN_SECRET,
    });
    try {
      const error = await getMicropost(db.context(), { id: '1' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(Unavailable);
      expect(await db.isReachable()).to.equal(false);
    } finally {
      await db.close();
    }
  });
});
