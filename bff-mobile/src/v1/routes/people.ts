// Finding people: account search by username or display-name prefix, and who to follow.
import { searchUsers, suggestUsers } from '@microblog/domain';
import { PeopleSearchQuery, SuggestionsQuery } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseQuery } from '../parse.ts';
import { presentSuggestions } from '../people-presenters.ts';
import { presentUserPage } from '../presenters.ts';

/** Registers GET /v1/search/users and GET /v1/me/suggestions on `router`. */
export function peopleRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/search/users', deps.optionalAuth, async (ctx) => {
    const { q, cursor, limit } = parseQuery(ctx, PeopleSearchQuery);
    ctx.body = presentUserPage(
      await searchUsers(domain(ctx), { query: q, paging: { kind: 'cursor', cursor: cursor ?? null, limit } }),
    );
  });

  router.get('/v1/me/suggestions', deps.requireAuth, async (ctx) => {
    const { limit } = parseQuery(ctx, SuggestionsQuery);
    ctx.body = presentSuggestions(await suggestUsers(domain(ctx), { viewerId: caller(ctx).userId, limit }));
  });
}
