// The public surface of the domain: use cases (wrapped so they only reject with domain errors), their
// plain data types, errors, paging, and the database handle. Nothing here knows about HTTP.
import { atTheEdge } from './error-translation.ts';
import { authenticate as authenticateUseCase } from './use-cases/authenticate.ts';
import { changePassword as changePasswordUseCase } from './use-cases/change-password.ts';
import { checkSession as checkSessionUseCase } from './use-cases/check-session.ts';
import { deleteMicropost as deleteMicropostUseCase } from './use-cases/delete-micropost.ts';
import { editMicropost as editMicropostUseCase } from './use-cases/edit-micropost.ts';
import { followUser as followUserUseCase, unfollowUser as unfollowUserUseCase } from './use-cases/follow-user.ts';
import { getMicropost as getMicropostUseCase } from './use-cases/get-micropost.ts';
import { getOwnProfile as getOwnProfileUseCase, getProfile as getProfileUseCase } from './use-cases/get-profile.ts';
import {
  homeTimeline as homeTimelineUseCase,
  homeTimelineFirstPage as homeTimelineFirstPageUseCase,
} from './use-cases/home-timeline.ts';
import {
  listFollowers as listFollowersUseCase,
  listFollowing as listFollowingUseCase,
} from './use-cases/list-follows.ts';
import { listNotifications as listNotificationsUseCase } from './use-cases/list-notifications.ts';
import { searchUsers as searchUsersUseCase } from './use-cases/search-users.ts';
import { deleteAccount as deleteAccountUseCase } from './use-cases/delete-account.ts';
import { suggestUsers as suggestUsersUseCase } from './use-cases/suggest-users.ts';
import { countUnreadNotifications as countUnreadNotificationsUseCase } from './use-cases/count-unread-notifications.ts';
import { markNotificationsRead as markNotificationsReadUseCase } from './use-cases/mark-notifications-read.ts';
import { listUserMicroposts as listUserMicropostsUseCase } from './use-cases/list-user-microposts.ts';
import {
  claimOutboxEvents as claimOutboxEventsUseCase,
  completeOutboxEvent as completeOutboxEventUseCase,
  failOutboxEvent as failOutboxEventUseCase,
} from './use-cases/outbox-delivery.ts';
import {
  findPostByIdempotencyKey as findPostByIdempotencyKeyUseCase,
  postMicropost as postMicropostUseCase,
  postMicropostOnce as postMicropostOnceUseCase,
} from './use-cases/post-micropost.ts';
import {
  countPushTokens as countPushTokensUseCase,
  dropPushTokens as dropPushTokensUseCase,
  pushTargets as pushTargetsUseCase,
  registerPushToken as registerPushTokenUseCase,
  unregisterPushToken as unregisterPushTokenUseCase,
} from './use-cases/push-tokens.ts';
import { registerUser as registerUserUseCase } from './use-cases/register-user.ts';
import {
  listSessions as listSessionsUseCase,
  revokeSession as revokeSessionUseCase,
} from './use-cases/revoke-session.ts';
import { rotateRefreshToken as rotateRefreshTokenUseCase } from './use-cases/rotate-refresh-token.ts';
import {
  purgeExpiredIdempotencyRecords as purgeExpiredIdempotencyRecordsUseCase,
  runIdempotent as runIdempotentUseCase,
} from './use-cases/run-idempotent.ts';
import { searchMicroposts as searchMicropostsUseCase } from './use-cases/search-microposts.ts';
import {
  startDeviceSession as startDeviceSessionUseCase,
  startWebSession as startWebSessionUseCase,
} from './use-cases/start-session.ts';
import {
  issueSyncToken as issueSyncTokenUseCase,
  timelineChanges as timelineChangesUseCase,
} from './use-cases/timeline-changes.ts';
import {
  getTimelineMarker as getTimelineMarkerUseCase,
  setTimelineMarker as setTimelineMarkerUseCase,
} from './use-cases/timeline-marker.ts';
import { updateProfile as updateProfileUseCase } from './use-cases/update-profile.ts';
import { linkIdentity as linkIdentityUseCase } from './use-cases/link-identity.ts';
import { listIdentities as listIdentitiesUseCase } from './use-cases/list-identities.ts';
import { signInWithIdentity as signInWithIdentityUseCase } from './use-cases/sign-in-with-identity.ts';
import { signUpWithIdentity as signUpWithIdentityUseCase } from './use-cases/sign-up-with-identity.ts';
import { unlinkIdentity as unlinkIdentityUseCase } from './use-cases/unlink-identity.ts';
import { listFolloweeIds as listFolloweeIdsUseCase } from './use-cases/list-followee-ids.ts';

export * from './database.ts';
export { startFanOutWorker, type FanOutLog, type FanOutWorker } from './fan-out-worker.ts';
export * from './errors.ts';
export { STATEMENT_TIMEOUT_CHANNEL, translateError } from './error-translation.ts';
export type { DomainKeys } from './keys.ts';
export type { CursorPage, CursorRequest, NumberedPage, PageRequest, Paged, Paging } from './pagination.ts';
export { PAGE_LIMITS } from './pagination.ts';
export { countChars, MICROPOST_MAX_CHARS, showsNothing } from './text-rules.ts';
export { FOLLOW_QUOTA } from './follow-quota.ts';
export type { MicropostView, Relationship, UserProfile, UserSummary } from './views.ts';
export type { FollowState } from './use-cases/follow-user.ts';
export type { ClaimedEvent } from './use-cases/outbox-delivery.ts';
export type { OutboxEventPayloads } from './outbox.ts';
export type { PushTarget } from './use-cases/push-tokens.ts';
export type { StoredResponse } from './use-cases/run-idempotent.ts';
export { IDEMPOTENCY_TTL_MS, IDEMPOTENCY_WAIT_MS } from './use-cases/run-idempotent.ts';
export type { Device, SessionView } from './use-cases/start-session.ts';
export { SESSION_IDLE_TTL_MS } from './use-cases/start-session.ts';
export type { TimelineChanges } from './use-cases/timeline-changes.ts';
export type { TimelineMarkerView } from './use-cases/timeline-marker.ts';
export type { NotificationView } from './use-cases/list-notifications.ts';
export type { UnreadNotifications } from './use-cases/count-unread-notifications.ts';
export { UNREAD_COUNT_CAP } from './use-cases/count-unread-notifications.ts';
export type { Suggestion } from './use-cases/suggest-users.ts';
export type { DeletedAccount } from './use-cases/delete-account.ts';
export type { SearchOrder } from './use-cases/search-microposts.ts';
export type { FirstTimelinePage, TimelinePage } from './use-cases/home-timeline.ts';
export { answerDependency, type CacheableAnswer } from './answer-cache.ts';
// For bulk loaders and benchmarks: the password rules and the stored form (argon2id) the use cases apply.
export { checkPassword, hashPassword, passwordMatches } from './passwords.ts';
export { recordWrite, REPLICA_RETRY_AFTER_MS } from './replica-reads.ts';
export { identityProviders, readIdentityProviders } from './identity-providers.ts';
export type {
  AuthorizationRequest,
  CodeRedemption,
  IdentityProviders,
  IdentityProviderSetting,
  VerifiedIdentity,
} from './identity-providers.ts';
export { SIGNUP_TICKET_TTL_MS } from './signup-tickets.ts';
export type { IdentitySignIn } from './use-cases/sign-in-with-identity.ts';
export type { LinkedIdentityView, SignInMethods } from './use-cases/list-identities.ts';

/** The user linked to a verified provider identity; a first sign-in creates one or asks for a username. */
export const signInWithIdentity = atTheEdge(signInWithIdentityUseCase);
/** Finishes a first provider sign-in with a chosen username. */
export const signUpWithIdentity = atTheEdge(signUpWithIdentityUseCase);
/** Links a provider identity to the signed-in user. */
export const linkIdentity = atTheEdge(linkIdentityUseCase);
/** Unlinks a provider identity, never the last way to sign in. */
export const unlinkIdentity = atTheEdge(unlinkIdentityUseCase);
/** The account's password flag and linked provider identities. */
export const listIdentities = atTheEdge(listIdentitiesUseCase);
/** The ids of everyone a user follows. */
export const listFolloweeIds = atTheEdge(listFolloweeIdsUseCase);
export { listenForMicropostChanges, type MicropostChangeListener } from './micropost-change-listener.ts';

/** Creates an account. */
export const registerUser = atTheEdge(registerUserUseCase);
/** Checks a username and password. */
export const authenticate = atTheEdge(authenticateUseCase);
/** A user's profile and the viewer's relationship to them. */
export const getProfile = atTheEdge(getProfileUseCase);
/** The signed-in user's own profile. */
export const getOwnProfile = atTheEdge(getOwnProfileUseCase);
/** Edits display name and bio. */
export const updateProfile = atTheEdge(updateProfileUseCase);
/** Changes the password and revokes the user's other sessions. */
export const changePassword = atTheEdge(changePasswordUseCase);
/** Publishes a micropost (one statement). */
export const postMicropost = atTheEdge(postMicropostUseCase);
/** Publishes a micropost at most once per Idempotency-Key (one statement); a retry replays the first post. */
export const postMicropostOnce = atTheEdge(postMicropostOnceUseCase);
/** The post an earlier request with this Idempotency-Key made, or null. */
export const findPostByIdempotencyKey = atTheEdge(findPostByIdempotencyKeyUseCase);
/** Edits a micropost (author only). */
export const editMicropost = atTheEdge(editMicropostUseCase);
/** Deletes a micropost (author only). */
export const deleteMicropost = atTheEdge(deleteMicropostUseCase);
/** One micropost. */
export const getMicropost = atTheEdge(getMicropostUseCase);
/** A user's microposts, paged. */
export const listUserMicroposts = atTheEdge(listUserMicropostsUseCase);
/** The home timeline, paged. */
export const homeTimeline = atTheEdge(homeTimelineUseCase);
/** The first page of a home timeline and its sync token in one round trip, with what it depends on (answer cache). */
export const homeTimelineFirstPage = atTheEdge(homeTimelineFirstPageUseCase);
/** Full-text search over microposts, paged. */
export const searchMicroposts = atTheEdge(searchMicropostsUseCase);
/** Follows a user (idempotent). */
export const followUser = atTheEdge(followUserUseCase);
/** Unfollows a user (idempotent). */
export const unfollowUser = atTheEdge(unfollowUserUseCase);
/** A user's followers, paged. */
export const listFollowers = atTheEdge(listFollowersUseCase);
/** Whom a user follows, paged. */
export const listFollowing = atTheEdge(listFollowingUseCase);
/** Deletes an account and everything it wrote, after re-checking its password (one transaction; username freed). */
export const deleteAccount = atTheEdge(deleteAccountUseCase);
/** Accounts whose username or display name starts with a query (1..50 characters, a leading @ ignored). */
export const searchUsers = atTheEdge(searchUsersUseCase);
/** Who to follow: followed by the people the viewer follows (else popular), never the viewer or their follows. */
export const suggestUsers = atTheEdge(suggestUsersUseCase);
/** The user's notifications, newest first (mentions and new followers), each marked read or not. */
export const listNotifications = atTheEdge(listNotificationsUseCase);
/** Unread notifications above the read marker, capped at UNREAD_COUNT_CAP: cheap enough to poll. */
export const countUnreadNotifications = atTheEdge(countUnreadNotificationsUseCase);
/** Moves the read marker forward to a notification id; answers the new unread count. */
export const markNotificationsRead = atTheEdge(markNotificationsReadUseCase);
/** Opens a browser session. */
export const startWebSession = atTheEdge(startWebSessionUseCase);
/** Opens an app device session with its first refresh token. */
export const startDeviceSession = atTheEdge(startDeviceSessionUseCase);
/** Checks that a session is live (revocation takes effect at once). */
export const checkSession = atTheEdge(checkSessionUseCase);
/** Rotates a refresh token, with reuse detection. */
export const rotateRefreshToken = atTheEdge(rotateRefreshTokenUseCase);
/** Ends one of the user's sessions. */
export const revokeSession = atTheEdge(revokeSessionUseCase);
/** The user's live sessions. */
export const listSessions = atTheEdge(listSessionsUseCase);
/** Runs a write at most once per idempotency key. */
export const runIdempotent = atTheEdge(runIdempotentUseCase);
/** Deletes expired idempotency records. */
export const purgeExpiredIdempotencyRecords = atTheEdge(purgeExpiredIdempotencyRecordsUseCase);
/** Registers a device push token. */
export const registerPushToken = atTheEdge(registerPushTokenUseCase);
/** Unregisters a push token. */
export const unregisterPushToken = atTheEdge(unregisterPushTokenUseCase);
/** The push tokens of some users. */
export const pushTargets = atTheEdge(pushTargetsUseCase);
/** Forgets push tokens the push service rejected. */
export const dropPushTokens = atTheEdge(dropPushTokensUseCase);
/** How many push tokens a user has. */
export const countPushTokens = atTheEdge(countPushTokensUseCase);
/** Claims due outbox events for delivery. */
export const claimOutboxEvents = atTheEdge(claimOutboxEventsUseCase);
/** Marks an outbox event delivered. */
export const completeOutboxEvent = atTheEdge(completeOutboxEventUseCase);
/** Schedules a retry of an outbox event, or gives up on it. */
export const failOutboxEvent = atTheEdge(failOutboxEventUseCase);
/** A sync token for the current moment. */
export const issueSyncToken = atTheEdge(issueSyncTokenUseCase);
/** Timeline changes since a sync token. */
export const timelineChanges = atTheEdge(timelineChangesUseCase);
/** The timeline read marker. */
export const getTimelineMarker = atTheEdge(getTimelineMarkerUseCase);
/** Moves the timeline read marker (optimistic concurrency). */
export const setTimelineMarker = atTheEdge(setTimelineMarkerUseCase);
