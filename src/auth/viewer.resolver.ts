import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Role } from '../domain/role.js';

@ObjectType('Viewer', { description: 'Who the token says you are.' })
export class ViewerType {
  @Field(() => String)
  sub!: string;
  @Field(() => String)
  tenant!: string;
  @Field(() => [Role])
  roles!: Role[];
  @Field(() => Date)
  expiresAt!: Date;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerType)
  me(@Ctx() { viewer }: Context): ViewerType {
    return { sub: viewer.sub, tenant: viewer.tenantName, roles: [...viewer.roles], expiresAt: new Date(viewer.expiresAt * 1000) };
  }
}
