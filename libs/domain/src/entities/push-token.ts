import { defineEntity, p } from '@mikro-orm/core';
import { Session } from './session.ts';
import { User } from './user.ts';

const PushTokenSchema = defineEntity({
  name: 'PushToken',
  tableName: 'push_tokens',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).ref().index('push_tokens_user_idx'),
    session: () => p.manyToOne(Session).ref().deleteRule('cascade').index('push_tokens_session_idx'),
    token: p.string().length(255).unique('push_tokens_token_unique'),
    platform: p.string().length(16),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

/** A device's push-service address, tied to the device session that registered it. */
export class PushToken extends PushTokenSchema.class {}
PushTokenSchema.setClass(PushToken);
export { PushTokenSchema };
