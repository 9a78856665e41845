import { expect } from 'chai';
import { openDatabase, postMicropost, runIdempotent, type SentStatement } from '../src/index.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context } from './helpers.ts';
import { suite } from './setup.ts';

describe('openDatabase({ onQuery })', () => {
  it('when a use case runs, then every statement it sent is reported with its answer, in order', async () => {
    const author = await makeUser(context());
    const sent: SentStatement[] = [];
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: (s) => sent.push(s),
    });
    try {
      // A use case that runs its statements through MikroORM in a transaction: an idempotent post.
      const { body } = await runIdempotent(
        db.context(),
        { userId: author.id, key: 'reported', fingerprint: 'f' },
        async (tx) => ({
          status: 201,
          body: await postMicropost(tx, { authorId: author.id, text: 'reported statements' }),
        }),
      );
      const post = body as { id: string };
      const statements = sent.filter((s) => !/pg_backend_pid/.test(s.sql));
      expect(statements[0]?.sql).to.match(/^begin/i);
      expect(statements.at(-1)?.sql).to.match(/^commit/i);
      const call = statements.find((s) => /post_micropost\(/i.test(s.sql));
      expect(call?.sql, 'the parameters are inlined').to.include("'reported statements'");
      expect((call?.rows[0]?.post as { id?: string } | undefined)?.id, 'the row the call returned').to.equal(post.id);
      const claim = statements.find((s) => /claim_idempotency_key\(/i.test(s.sql));
      expect(claim?.sql).to.include(`'${author.id}'`);
      expect(claim?.rows).to.have.length(1);
      expect(claim?.rows[0]).to.deep.include({ stored_fingerprint: null, stored_status: null, stored_body: null });
      expect(claim?.rows[0]?.claimed_id).to.match(/^[1-9][0-9]*$/);
      for (const s of statements) {
        expect(s.error, s.sql).to.equal(null);
        expect(s.ms, s.sql).to.be.a('number').and.at.least(0);
      }
    } finally {
      await db.close();
    }
  });

  it('when a statement fails, then it is reported with the error and the caller still sees the failure', async () => {
    const sent: SentStatement[] = [];
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: (s) => sent.push(s),
    });
    try {
      await db.orm.em
        .fork()
        .execute('select * from no_such_table')
        .then(
          () => expect.fail('the query should fail'),
          (error: Error) => expect(error.message).to.match(/no_such_table/),
        );
      const failed = sent.find((s) => /no_such_table/.test(s.sql));
      expect(failed?.error?.message).to.match(/does not exist/);
      expect(failed?.rows).to.deep.equal([]);
    } finally {
      await db.close();
    }
  });

  it('when a listener throws, then the use case is not affected', async () => {
    const author = await makeUser(context());
    const db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 1,
      onQuery: () => {
        throw new Error('listener bug');
      },
    });
    try {
      const post = await postMicropost(db.context(), { authorId: author.id, text: 'still posted' });
      expect(post.text).to.equal('still posted');
    } finally {
      await db.close();
    }
  });
});
