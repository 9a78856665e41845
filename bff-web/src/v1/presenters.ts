// Whitelisting presenters: every field of a v1 response is picked here, by name, from the domain's views.
import type {
  FollowState,
  MicropostView,
  NumberedPage,
  Relationship,
  UserProfile,
  UserSummary,
} from '@microblog/domain';
import type * as contract from '@microblog/web-contract';
import { micropostHtml } from './micropost-html.ts';

/** `{ username, displayName }`. */
export function presentUserSummary(user: UserSummary): contract.UserSummary {
  return { username: user.username, displayName: user.displayName };
}

/** A micropost for rendering; only its author may edit or delete it. */
export function presentMicropost(post: MicropostView, viewerId: string | null): contract.Micropost {
  const isAuthor = viewerId !== null && viewerId === post.author.id;
  return {
    id: post.id,
    text: post.text,
    html: micropostHtml(post.text, post.mentions),
    createdAt: post.createdAt.toISOString(),
    editedAt: post.editedAt === null ? null : post.editedAt.toISOString(),
    author: presentUserSummary(post.author),
    viewer: { canEdit: isAuthor, canDelete: isAuthor },
  };
}

function presentCounts(profile: UserProfile): contract.Counts {
  return { posts: profile.counts.posts, followers: profile.counts.followers, following: profile.counts.following };
}

/** Someone's profile with the viewer's flags (all false when signed out). */
export function presentProfile(profile: UserProfile, relationship: Relationship): contract.Profile {
  return {
    username: profile.username,
    displayName: profile.displayName,
    bio: profile.bio,
    joinedAt: profile.joinedAt.toISOString(),
    counts: presentCounts(profile),
    viewer: { isSelf: relationship.isSelf, isFollowing: relationship.isFollowing, followsYou: relationship.followsYou },
  };
}

/** The signed-in user's own profile. */
export function presentCurrentUser(profile: UserProfile): contract.CurrentUser {
  return {
    username: profile.username,
    displayName: profile.displayName,
    bio: profile.bio,
    joinedAt: profile.joinedAt.toISOString(),
    counts: presentCounts(profile),
  };
}

/** Who is signed in and until when. */
export function presentSessionInfo(profile: UserProfile, expiresAt: Date): contract.SessionInfo {
  return { user: presentCurrentUser(profile), expiresAt: expiresAt.toISOString() };
}

/** The relationship after a follow or unfollow. */
export function presentRelationship(state: FollowState): contract.Relationship {
  return {
    user: presentUserSummary(state.user),
    viewer: { isFollowing: state.isFollowing, followsYou: state.followsYou },
  };
}

/** A numbered page: `{ items, page }`. */
export function presentPage<T, R>(
  page: NumberedPage<T>,
  present: (item: T) => R,
): { items: R[]; page: contract.PageInfo } {
  return {
    items: page.items.map(present),
    page: { number: page.number, size: page.size, totalItems: page.totalItems, totalPages: page.totalPages },
  };
}
