// Valid response bodies, one factory per schema; each test changes what it is about.
import type {
  CurrentUser,
  Micropost,
  PageInfo,
  Profile,
  Relationship,
  SessionInfo,
  UserSummary,
} from '../src/index.ts';

export const userSummary = (): UserSummary => ({ username: 'ada_l', displayName: 'Ada Lovelace' });

export const micropost = (): Micropost => ({
  id: '1234',
  text: 'hello @bob <b>',
  html: 'hello <a href="/users/bob">@bob</a> &lt;b&gt;',
  createdAt: '2025-01-31T09:30:00.000Z',
  editedAt: null,
  author: userSummary(),
  viewer: { canEdit: false, canDelete: false },
});

export const counts = () => ({ posts: 3, followers: 0, following: 12 });

export const profile = (): Profile => ({
  username: 'ada_l',
  displayName: '',
  bio: 'Analyst',
  joinedAt: '2024-12-01T00:00:00.000Z',
  counts: counts(),
  viewer: { isSelf: false, isFollowing: true, followsYou: false },
});

export const currentUser = (): CurrentUser => ({
  username: 'ada_l',
  displayName: 'Ada',
  bio: '',
  joinedAt: '2024-12-01T00:00:00.000Z',
  counts: counts(),
});

export const sessionInfo = (): SessionInfo => ({ user: currentUser(), expiresAt: '2025-02-14T09:30:00.000Z' });

export const relationship = (): Relationship => ({
  user: userSummary(),
  viewer: { isFollowing: true, followsYou: false },
});

export const pageInfo = (): PageInfo => ({ number: 1, size: 20, totalItems: 1, totalPages: 1 });

export const problem = (status: number, code: string) => ({
  type: `https://microblog.example/problems/${code}`,
  title: 'Something went wrong',
  status,
  code,
});
