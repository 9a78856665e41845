// Whitelisting presenters: each response field is picked by name, shaped per @microblog/mobile-contract v1.
import type {
  CursorPage,
  MicropostView,
  Relationship,
  SessionView,
  TimelineChanges,
  TimelineMarkerView,
  UserProfile,
  UserSummary,
} from '@microblog/domain';
import type * as contract from '@microblog/mobile-contract';

/** `{ id, username, displayName }`. */
export function presentUser(user: UserSummary): contract.UserSummary {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** The compact micropost; its author goes to the `users` map. */
export function presentMicropost(post: MicropostView): contract.Micropost {
  return {
    id: post.id,
    authorId: post.author.id,
    text: post.text,
    createdAt: post.createdAt.toISOString(),
    editedAt: post.editedAt ? post.editedAt.toISOString() : null,
  };
}

/** Each author once, keyed by id. */
export function presentUsersOf(posts: MicropostView[]): contract.UsersById {
  const users: contract.UsersById = {};
  for (const post of posts) users[post.author.id] ??= presentUser(post.author);
  return users;
}

/** `{ items, users, nextCursor }`. */
export function presentMicropostPage(page: CursorPage<MicropostView>): contract.MicropostPage {
  return { items: page.items.map(presentMicropost), users: presentUsersOf(page.items), nextCursor: page.nextCursor };
}

/** `{ post, users }`: one micropost and its author. */
export function presentPostWithUsers(post: MicropostView): contract.PostWithUsers {
  return { post: presentMicropost(post), users: presentUsersOf([post]) };
}

/** A timeline page; the first one carries the sync token. */
export function presentTimelinePage(page: CursorPage<MicropostView>, syncToken: string | null): contract.TimelinePage {
  return { ...presentMicropostPage(page), ...(syncToken === null ? {} : { syncToken }) };
}

/** `{ items, users, deleted, syncToken, hasMore }`. */
export function presentTimelineChanges(changes: TimelineChanges): contract.TimelineChanges {
  return {
    items: changes.items.map(presentMicropost),
    users: presentUsersOf(changes.items),
    deleted: [...changes.deleted],
    syncToken: changes.syncToken,
    hasMore: changes.hasMore,
  };
}

/** `{ items: UserSummary[], nextCursor }`. */
export function presentUserPage(page: CursorPage<UserSummary>): contract.UserPage {
  return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
}

function counts(profile: UserProfile): contract.ProfileCounts {
  return { posts: profile.counts.posts, followers: profile.counts.followers, following: profile.counts.following };
}

/** GET/PATCH /v1/me. */
export function presentOwnProfile(profile: UserProfile): contract.OwnProfile {
  return {
    id: profile.id,
    username: profile.username,
    displayName: profile.displayName,
    bio: profile.bio,
    joinedAt: profile.joinedAt.toISOString(),
    counts: counts(profile),
  };
}

/** `{ isSelf, isFollowing, followsYou }`. */
export function presentRelationship(relationship: Relationship): contract.Relationship {
  return { isSelf: relationship.isSelf, isFollowing: relationship.isFollowing, followsYou: relationship.followsYou };
}

/** Another user's profile with the viewer's relationship. */
export function presentProfile(profile: UserProfile, relationship: Relationship): contract.Profile {
  return { ...presentOwnProfile(profile), relationship: presentRelationship(relationship) };
}

/** A fresh token pair for the app. */
export function presentTokens(
  tokens: { accessToken: string; expiresIn: number; refreshToken: string },
  user: UserSummary,
): contract.TokenResponse {
  return {
    accessToken: tokens.accessToken,
    tokenType: 'Bearer',
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
    user: presentUser(user),
  };
}

/** One device session; `current` when it is the caller's. */
export function presentSession(session: SessionView, currentSessionId: string): contract.DeviceSession {
  return {
    id: session.id,
    deviceName: session.deviceName ?? '',
    platform: session.platform === 'android' ? 'android' : 'ios',
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    current: session.id === currentSessionId,
  };
}

/** `{ lastReadId, version }`. */
export function presentMarker(marker: TimelineMarkerView): contract.TimelineMarker {
  return { lastReadId: marker.lastReadId, version: marker.version };
}

/** `{ token, platform }`. */
export function presentPushToken(registration: { token: string; platform: string }): contract.PushTokenRegistration {
  return { token: registration.token, platform: registration.platform === 'android' ? 'android' : 'ios' };
}
