// Microposts: post, read, edit, delete; the home timeline, a user's posts and search, as numbered pages.
import {
  deleteMicropost,
  editMicropost,
  getMicropost,
  homeTimeline,
  listUserMicroposts,
  postMicropost,
  searchMicroposts,
  type NumberedPage,
} from '@microblog/domain';
import { parseQueryOnce, sendCachedAnswer } from '@microblog/bff-kit';
import {
  MicropostIdParams,
  MicropostTextRequest,
  PageQuery,
  SearchQuery,
  UsernameParams,
} from '@microblog/web-contract';
import type { ParameterizedContext } from 'koa';
import { optionalViewer, requireViewer, signedIn, type AppState } from '../auth.ts';
import { pageLinks } from './page-links.ts';
import { parseBody, parseParams, parseQuery } from './parse.ts';
import { presentMicropost, presentPage } from './presenters.ts';
import type { V1Deps, V1Router } from './router.ts';

/** Sets the Link header and returns the page body. */
export function respondWithPage<T, R>(
  ctx: ParameterizedContext<AppState>,
  page: NumberedPage<T>,
  present: (item: T) => R,
): void {
  ctx.set('Link', pageLinks(ctx.path, ctx.querystring, page));
  ctx.body = presentPage(page, present);
}

// The Link header repeats the request's other query parameters: only answers to page and per_page alone are cached.
// Decided once per query string, like its parameters.
const ONLY_PAGING = {};
const onlyPaging = (ctx: ParameterizedContext<AppState>): boolean =>
  parseQueryOnce(ONLY_PAGING, ctx.querystring, () => ({
    only: Object.keys(ctx.query).every((k) => k === 'page' || k === 'per_page'),
  })).only;

const paging = (query: PageQuery) => ({ kind: 'page', number: query.page, size: query.per_page }) as const;

/** Adds the micropost, timeline and search routes. */
export function micropostRoutes(router: V1Router, deps: V1Deps): void {
  router.post('createMicropost', '/microposts', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const body = parseBody(MicropostTextRequest, ctx.request.body);
    await deps.throttles.post(viewer.userId);
    const post = await postMicropost(ctx.state.domain, { authorId: viewer.userId, text: body.text });
    ctx.status = 201;
    ctx.body = presentMicropost(post, viewer.userId);
  });

  router.get('getMicropost', '/microposts/:id', optionalViewer(deps.cookies), async (ctx) => {
    const { id } = parseParams(MicropostIdParams, ctx.params);
    const post = await getMicropost(ctx.state.domain, { id });
    ctx.body = presentMicropost(post, ctx.state.viewer?.userId ?? null);
  });

  router.patch('editMicropost', '/microposts/:id', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const { id } = parseParams(MicropostIdParams, ctx.params);
    const body = parseBody(MicropostTextRequest, ctx.request.body);
    const post = await editMicropost(ctx.state.domain, { actorId: viewer.userId, micropostId: id, text: body.text });
    ctx.body = presentMicropost(post, viewer.userId);
  });

  router.delete('deleteMicropost', '/microposts/:id', requireViewer(deps.cookies), async (ctx) => {
    const { id } = parseParams(MicropostIdParams, ctx.params);
    await deleteMicropost(ctx.state.domain, { actorId: signedIn(ctx).userId, micropostId: id });
    ctx.status = 204;
  });

  router.get('getTimeline', '/timeline', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const query = parseQuery(PageQuery, ctx);
    const read = async () => {
      const page = await homeTimeline(ctx.state.domain, { viewerId: viewer.userId, paging: paging(query) });
      return {
        body: presentPage(page, (post) => presentMicropost(post, viewer.userId)),
        headers: { Link: pageLinks(ctx.path, ctx.querystring, page) },
        dependsOn: page.dependsOn,
      };
    };
    // From the answer cache until the viewer's feed or an author shown changes (every instance hears it).
    const key = `web:timeline:${viewer.userId}:${query.page}:${query.per_page}`;
    await sendCachedAnswer(ctx, onlyPaging(ctx) ? ctx.state.domain.answers : null, key, read);
  });

  router.get('listUserMicroposts', '/users/:username/microposts', optionalViewer(deps.cookies), async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    const query = parseQuery(PageQuery, ctx);
    const page = await listUserMicroposts(ctx.state.domain, { username, paging: paging(query) });
    const viewerId = ctx.state.viewer?.userId ?? null;
    respondWithPage(ctx, page, (post) => presentMicropost(post, viewerId));
  });

  router.get('searchMicroposts', '/search', optionalViewer(deps.cookies), async (ctx) => {
    const query = parseQuery(SearchQuery, ctx);
    const page = await searchMicroposts(ctx.state.domain, {
      query: query.q,
      order: query.order,
      paging: paging(query),
    });
    const viewerId = ctx.state.viewer?.userId ?? null;
    respondWithPage(ctx, page, (post) => presentMicropost(post, viewerId));
  });
}
