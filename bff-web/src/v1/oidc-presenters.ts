// Shapes provider sign-in results for the browser (whitelisting, like presenters.ts).
import type { IdentityProviders, SignInMethods } from '@microblog/domain';
import type * as contract from '@microblog/web-contract';

/** The configured providers, for the sign-in buttons. */
export function presentIdentityProviders(providers: IdentityProviders): contract.IdentityProviderList {
  return { items: providers.list().map((provider) => ({ id: provider.id, name: provider.name })) };
}

/** How an account can sign in; an identity of a provider no longer configured shows its id as its name. */
export function presentSignInMethods(methods: SignInMethods, providers: IdentityProviders): contract.SignInMethods {
  return {
    hasPassword: methods.hasPassword,
    identities: methods.identities.map((identity) => ({
      provider: identity.providerId,
      providerName: providers.find(identity.providerId)?.name ?? identity.providerId,
      linkedAt: identity.linkedAt.toISOString(),
      lastUsedAt: identity.lastUsedAt.toISOString(),
    })),
  };
}
