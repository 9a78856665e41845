// Finding people: account search by username or display-name prefix (numbered pages), and who to follow.
import { searchUsers, suggestUsers, type Suggestion } from '@microblog/domain';
import { PeopleSearchQuery } from '@microblog/web-contract';
import type * as contract from '@microblog/web-contract';
import { optionalViewer, requireViewer, signedIn } from '../auth.ts';
import { respondWithPage } from './micropost-routes.ts';
import { parseQuery } from './parse.ts';
import { presentUserSummary } from './presenters.ts';
import type { V1Deps, V1Router } from './router.ts';

const SUGGESTIONS = 10;

/** `{ items: [{ user, followedByYourFollows }] }`. */
export function presentSuggestions(suggestions: Suggestion[]): contract.SuggestionList {
  return {
    items: suggestions.map((s) => ({
      user: presentUserSummary(s.user),
      followedByYourFollows: s.followedByYourFollows,
    })),
  };
}

/** Adds /search/users and /suggestions. */
export function peopleRoutes(router: V1Router, deps: V1Deps): void {
  router.get('searchPeople', '/search/users', optionalViewer(deps.cookies), async (ctx) => {
    const query = parseQuery(PeopleSearchQuery, ctx);
    const page = await searchUsers(ctx.state.domain, {
      query: query.q,
      paging: { kind: 'page', number: query.page, size: query.per_page },
    });
    respondWithPage(ctx, page, presentUserSummary);
  });

  router.get('getSuggestions', '/suggestions', requireViewer(deps.cookies), async (ctx) => {
    ctx.body = presentSuggestions(
      await suggestUsers(ctx.state.domain, { viewerId: signedIn(ctx).userId, limit: SUGGESTIONS }),
    );
  });
}
