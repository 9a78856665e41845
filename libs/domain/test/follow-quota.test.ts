import { expect } from 'chai';
import { FOLLOW_QUOTA, followUser, getProfile, unfollowUser, type QuotaExceeded } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

describe('follow quota', () => {
  it('when a user churns follow/unfollow past the quota, then the next change is refused with a retry time and nothing changes', async () => {
    const churner = await makeUser(context());
    const target = await makeUser(context());
    for (let i = 0; i < FOLLOW_QUOTA.changes / 2; i++) {
      await followUser(context(), { followerId: churner.id, username: target.username });
      await unfollowUser(context(), { followerId: churner.id, username: target.username });
    }
    const error = await expectDomainError<QuotaExceeded>(
      followUser(context(), { followerId: churner.id, username: target.username }),
      'rate_limited',
    );
    expect(error.retryAfterSeconds).to.be.within(1, FOLLOW_QUOTA.windowSeconds);
    const rows = await sql<{ n: number }>('select count(*)::int as n from follows where follower_id = ?', [churner.id]);
    expect(rows[0]?.n).to.equal(0);
    expect((await getProfile(context(), { username: target.username })).profile.counts.followers).to.equal(0);
  });

  it('when the window has passed, then the quota starts again', async () => {
    const user = await makeUser(context());
    const target = await makeUser(context());
    await sql(
      `insert into follow_quotas (user_id, window_started_at, used) values (?, now() - interval '2 hours', ?)`,
      [user.id, FOLLOW_QUOTA.changes],
    );
    await followUser(context(), { followerId: user.id, username: target.username });
    const [quota] = await sql<{ used: number }>('select used from follow_quotas where user_id = ?', [user.id]);
    expect(quota?.used).to.equal(1);
  });

  it('when a follow changes nothing (already following), then it does not count', async () => {
    const user = await makeUser(context());
    const target = await makeUser(context());
    await followUser(context(), { followerId: user.id, username: target.username });
    await followUser(context(), { followerId: user.id, username: target.username });
    await unfollowUser(context(), { followerId: user.id, username: target.username });
    await unfollowUser(context(), { followerId: user.id, username: target.username });
    const [quota] = await sql<{ used: number }>('select used from follow_quotas where user_id = ?', [user.id]);
    expect(quota?.used).to.equal(2);
  });
});
