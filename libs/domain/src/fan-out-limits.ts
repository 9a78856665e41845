// The fan-out threshold's default, in a module of its own so that settings readers (the kit's, the launcher's) can
// name it without loading the domain and its ORM.

/** Default of `fanOutMaxFollowers` (DatabaseOptions): the most followers a post is fanned out to in its request. */
export const DEFAULT_FAN_OUT_MAX_FOLLOWERS = 10_000;
