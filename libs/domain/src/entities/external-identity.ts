import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const ExternalIdentitySchema = defineEntity({
  name: 'ExternalIdentity',
  tableName: 'external_identities',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    /** The configured provider's id (OIDC_PROVIDERS), for showing and unlinking. */
    providerId: p.string().length(64),
    /** The ID token's `iss` and `sub`: together they name one person at one provider, for good. */
    issuer: p.string().length(255),
    subject: p.string().length(255),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    lastUsedAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  uniques: [
    { name: 'external_identities_issuer_subject_unique', properties: ['issuer', 'subject'] },
    { name: 'external_identities_user_issuer_unique', properties: ['user', 'issuer'] },
  ],
});

/** A sign-in at an OpenID Connect provider, linked to exactly one local user (at most one per provider and user). */
export class ExternalIdentity extends ExternalIdentitySchema.class {}
ExternalIdentitySchema.setClass(ExternalIdentity);
export { ExternalIdentitySchema };
