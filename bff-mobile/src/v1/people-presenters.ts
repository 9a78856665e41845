// Whitelisting presenter of "who to follow", shaped per @microblog/mobile-contract v1.
import type { Suggestion } from '@microblog/domain';
import type * as contract from '@microblog/mobile-contract';
import { presentUser } from './presenters.ts';

/** `{ items: [{ user, followedByYourFollows }] }`. */
export function presentSuggestions(suggestions: Suggestion[]): contract.SuggestionList {
  return {
    items: suggestions.map((s) => ({ user: presentUser(s.user), followedByYourFollows: s.followedByYourFollows })),
  };
}
