import type { Micropost } from './entities/micropost.ts';
import type { User } from './entities/user.ts';

/** A user as shown in lists and next to posts. */
export type UserSummary = { id: string; username: string; displayName: string };

/** A user's public profile with exact counts. */
export type UserProfile = UserSummary & {
  bio: string;
  joinedAt: Date;
  counts: { posts: number; followers: number; following: number };
};

/** How the viewer and a user relate. */
export type Relationship = { isSelf: boolean; isFollowing: boolean; followsYou: boolean };

/** A micropost as plain data: each BFF shapes it for its client. */
export type MicropostView = {
  id: string;
  author: UserSummary;
  text: string;
  createdAt: Date;
  editedAt: Date | null;
  /** Usernames (as registered) of the users this post mentions: the `@name` tokens worth linking. */
  mentions: string[];
};

/** The profile of a loaded user entity. */
export function toUserProfile(user: User): UserProfile {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    bio: user.bio,
    joinedAt: user.createdAt,
    counts: { posts: user.postsCount, followers: user.followersCount, following: user.followingCount },
  };
}

/** The view of a micropost entity just written by `author`, with its mentioned usernames. */
export function toMicropostView(post: Micropost, author: UserSummary, mentions: string[]): MicropostView {
  return {
    id: post.id,
    author: { id: author.id, username: author.username, displayName: author.displayName },
    text: post.text,
    createdAt: post.createdAt,
    editedAt: post.editedAt ?? null,
    mentions,
  };
}
