import { ApiParam } from '@nestjs/swagger';

/** Documents the `:id` path parameter: a profile id (the auth-service user id); anything else is a 400. */
export const ApiUserIdParam = () => ApiParam({ name: 'id', format: 'uuid', description: 'The user id' });
