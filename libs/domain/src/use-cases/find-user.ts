import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../entities/user.ts';
import { NotFound } from '../errors.ts';
import { isId } from '../sql.ts';
import { checkUsername, usernameKey } from '../text-rules.ts';

/** The user with this username (any case), or NotFound. Only a well-formed name reaches the query. */
export async function loadUserByUsername(em: EntityManager, username: string): Promise<User> {
  if (typeof username !== 'string' || checkUsername(username) !== null) throw new NotFound('user');
  const user = await em.findOne(User, { usernameKey: usernameKey(username) });
  if (!user) throw new NotFound('user');
  return user;
}

/** The user with this id, or NotFound. */
export async function loadUserById(em: EntityManager, id: string): Promise<User> {
  if (typeof id !== 'string' || !isId(id)) throw new NotFound('user');
  const user = await em.findOne(User, { id });
  if (!user) throw new NotFound('user');
  return user;
}
